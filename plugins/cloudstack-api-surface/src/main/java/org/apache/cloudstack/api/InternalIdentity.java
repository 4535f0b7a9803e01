// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.api;

import java.io.Serializable;

public interface InternalIdentity extends Serializable {
    long getId();
}
