// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.storage;

public class Storage {
    public static enum StoragePoolType {
        Filesystem, NetworkFilesystem, IscsiLUN, Iscsi, ISO, LVM, CLVM, RBD, SharedMountPoint, VMFS, PreSetup, EXT, OCFS2,
        SMB, Gluster, PowerFlex, ManagedNFS, Linstor, DatastoreCluster, StorPool, FiberChannel
    }
}
