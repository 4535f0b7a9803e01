// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.vm.snapshot;

import com.cloud.utils.fsm.StateObject;
import org.apache.cloudstack.acl.ControlledEntity;
import org.apache.cloudstack.api.Identity;
import org.apache.cloudstack.api.InternalIdentity;

public interface VMSnapshot extends ControlledEntity, Identity, InternalIdentity, StateObject<VMSnapshot.State> {
    enum State {
        Allocated, Creating, Ready, Reverting, Expunging, Removed, Error, Hidden
    }

    enum Type {
        Disk, DiskAndMemory
    }

    enum Event {
        CreateRequested, OperationFailed, OperationSucceeded, RevertRequested, ExpungeRequested, Hide
    }

    @Override
    long getId();

    @Override
    String getName();

    Long getVmId();

    @Override
    State getState();

    Long getParent();

    Boolean getCurrent();

    Type getType();
}
