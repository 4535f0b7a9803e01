// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.storage;

import com.cloud.utils.fsm.StateObject;
import org.apache.cloudstack.acl.ControlledEntity;
import org.apache.cloudstack.api.Identity;
import org.apache.cloudstack.api.InternalIdentity;

public interface Volume extends ControlledEntity, Identity, InternalIdentity, StateObject<Volume.State> {
    enum State {
        Allocated, Creating, Ready, Migrating, Snapshotting, RevertSnapshotting, Resizing, Expunging, Expunged, Destroy,
        Destroying, UploadOp, Copying, Uploaded, NotUploaded, UploadInProgress, UploadError, UploadAbandoned, Attaching,
        Restoring
    }

    enum Type {
        UNKNOWN, ROOT, SWAP, DATADISK, ISO
    }

    enum Event {
        CreateRequested, CopyRequested, CopySucceeded, CopyFailed, OperationFailed, OperationSucceeded, OperationRetry,
        UploadRequested, MigrationRequested, MigrationCopyRequested, MigrationCopySucceeded, MigrationCopyFailed,
        SnapshotRequested, RevertSnapshotRequested, DestroyRequested, RecoverRequested, ExpungingRequested, ResizeRequested,
        AttachRequested, OperationTimeout, RestoreRequested, RestoreSucceeded, RestoreFailed
    }

    @Override
    String getName();

    Long getSize();

    Long getInstanceId();

    Long getPoolId();

    Type getVolumeType();

    String getPath();

    @Override
    State getState();

    String get_iScsiName();

    Long getMinIops();

    Long getMaxIops();
}
