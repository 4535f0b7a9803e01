// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.hypervisor.kvm.storage;

public class KVMStoragePoolManager {
    /** The real constructor takes agent internals the plugin never builds. */
    private KVMStoragePoolManager() {
    }

    public KVMStoragePool getStoragePool(com.cloud.storage.Storage.StoragePoolType type, String uuid) {
        throw new UnsupportedOperationException();
    }

    public KVMStoragePool getStoragePoolByURI(String uri) {
        throw new UnsupportedOperationException();
    }
}
