// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.acl;

public enum RoleType {
    Admin, ResourceAdmin, DomainAdmin, User, Unknown
}
