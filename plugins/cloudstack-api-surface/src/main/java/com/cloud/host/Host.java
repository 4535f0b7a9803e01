// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.host;

import org.apache.cloudstack.api.Identity;
import org.apache.cloudstack.api.InternalIdentity;

public interface Host extends Identity, InternalIdentity {
    String getName();

    String getStorageUrl();

    Long getClusterId();
}
