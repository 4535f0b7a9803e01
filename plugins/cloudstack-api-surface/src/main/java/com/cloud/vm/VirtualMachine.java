// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.vm;

import com.cloud.utils.fsm.StateObject;
import org.apache.cloudstack.api.Identity;
import org.apache.cloudstack.api.InternalIdentity;

public interface VirtualMachine extends Identity, InternalIdentity, StateObject<VirtualMachine.State> {
    public enum State {
        Starting, Running, Stopping, Stopped, Destroyed, Expunging, Migrating, Error, Unknown, Shutdown, Restoring
    }

    String getInstanceName();

    Long getHostId();

    Long getLastHostId();
}
