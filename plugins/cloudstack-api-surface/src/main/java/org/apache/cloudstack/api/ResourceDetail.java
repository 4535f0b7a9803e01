// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.api;

public interface ResourceDetail extends InternalIdentity {
    long getResourceId();

    String getName();

    String getValue();

    boolean isDisplay();
}
