// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

import com.cloud.utils.fsm.NoTransitionException;
import com.cloud.vm.snapshot.VMSnapshot;

public interface VMSnapshotStrategy {
    VMSnapshot takeVMSnapshot(VMSnapshot vmSnapshot);

    boolean deleteVMSnapshot(VMSnapshot vmSnapshot);

    boolean revertVMSnapshot(VMSnapshot vmSnapshot);

    StrategyPriority canHandle(VMSnapshot vmSnapshot);

    StrategyPriority canHandle(Long vmId, Long rootPoolId, boolean snapshotMemory);

    boolean deleteVMSnapshotFromDB(VMSnapshot vmSnapshot, boolean unmanage);

    void updateOperationFailed(VMSnapshot vmSnapshot) throws NoTransitionException;
}
