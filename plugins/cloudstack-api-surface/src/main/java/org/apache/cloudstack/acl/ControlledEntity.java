// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.acl;

import com.cloud.domain.PartOf;
import com.cloud.user.OwnedBy;

public interface ControlledEntity extends OwnedBy, PartOf {
    String getName();
}
