// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.utils.fsm;

public interface StateObject<S> {
    S getState();
}
