// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.hypervisor.kvm.resource;

import com.cloud.hypervisor.kvm.resource.wrapper.LibvirtUtilitiesHelper;
import com.cloud.hypervisor.kvm.storage.KVMStoragePoolManager;
import com.cloud.resource.ServerResource;

public class LibvirtComputingResource implements ServerResource {

    public KVMStoragePoolManager getStoragePoolMgr() {
        throw new UnsupportedOperationException();
    }

    public LibvirtUtilitiesHelper getLibvirtUtilitiesHelper() {
        throw new UnsupportedOperationException();
    }
}
