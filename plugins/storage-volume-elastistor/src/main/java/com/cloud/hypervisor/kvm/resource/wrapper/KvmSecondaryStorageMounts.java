// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.hypervisor.kvm.resource.wrapper;

import java.nio.file.Path;
import java.nio.file.Paths;

import com.cloud.hypervisor.kvm.resource.LibvirtComputingResource;
import com.cloud.hypervisor.kvm.storage.KVMStoragePool;

import io.elastisnap.cloudstack.agent.SecondaryStorageMounts;

/**
 * Secondary storage mounted exactly as CloudStack's agent mounts it for its own snapshot backups
 * (KVMStorageProcessor.backupSnapshot): a libvirt pool for the store's URL, under /mnt/<pool uuid>. Left mounted, as
 * other commands of the agent may be using the same pool.
 */
final class KvmSecondaryStorageMounts implements SecondaryStorageMounts {
    private final LibvirtComputingResource resource;

    KvmSecondaryStorageMounts(LibvirtComputingResource resource) {
        this.resource = resource;
    }

    @Override
    public Path mount(String secondaryStorageUrl) {
        KVMStoragePool pool = resource.getStoragePoolMgr().getStoragePoolByURI(secondaryStorageUrl);
        return Paths.get(pool.getLocalPath());
    }
}
