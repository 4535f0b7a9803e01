// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.hypervisor.kvm.storage;

public interface KVMStoragePool {
    public String getLocalPath();

    public boolean delete();
}
