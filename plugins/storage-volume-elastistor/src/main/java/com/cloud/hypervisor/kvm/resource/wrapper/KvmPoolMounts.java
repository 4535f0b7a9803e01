// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.hypervisor.kvm.resource.wrapper;

import java.nio.file.Path;
import java.nio.file.Paths;

import com.cloud.hypervisor.kvm.resource.LibvirtComputingResource;
import com.cloud.hypervisor.kvm.storage.KVMStoragePool;
import com.cloud.storage.Storage.StoragePoolType;

import io.elastisnap.cloudstack.command.PoolSnapshotCommand;

/**
 * Where this host has the adopted pool mounted, as the agent itself knows it: a SharedMountPoint pool at its path, an
 * NFS pool under the agent's mount.parent (/mnt by default) as /mnt/<pool uuid>.
 */
final class KvmPoolMounts {
    private KvmPoolMounts() {
    }

    static Path mountPointOf(PoolSnapshotCommand command, LibvirtComputingResource resource) {
        KVMStoragePool pool = resource.getStoragePoolMgr().getStoragePool(StoragePoolType.valueOf(command.getPoolType()),
                command.getPoolUuid());
        if (pool == null || pool.getLocalPath() == null) {
            throw new IllegalStateException("storage pool " + command.getPoolUuid() + " is not mounted on this host");
        }
        return Paths.get(pool.getLocalPath());
    }
}
