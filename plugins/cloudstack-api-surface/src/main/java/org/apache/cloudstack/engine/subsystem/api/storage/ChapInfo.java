// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

public interface ChapInfo {
    String getInitiatorUsername();

    String getInitiatorSecret();

    String getTargetUsername();

    String getTargetSecret();
}
