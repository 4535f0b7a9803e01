// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.storage;

public enum DataStoreRole {
    Primary("primary"), Image("image"), ImageCache("imagecache"), Backup("backup"), Object("object");

    private final String role;

    DataStoreRole(String role) {
        this.role = role;
    }
}
