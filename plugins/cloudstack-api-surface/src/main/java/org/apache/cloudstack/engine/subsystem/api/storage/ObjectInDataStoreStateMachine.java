// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

public interface ObjectInDataStoreStateMachine {
    enum State {
        Allocated, Creating2, Creating, Created, Ready, Copying, Migrating, Migrated, Destroying, Destroyed, Failed, Hidden
    }

    enum Event {
        CreateRequested, CreateOnlyRequested, DestroyRequested, OperationSuccessed, OperationFailed, CopyRequested,
        CopyingRequested, MigrationRequested, MigrationSucceeded, MigrationFailed, MigrationCopyRequested,
        MigrationCopySucceeded, MigrationCopyFailed, ResizeRequested, ExpungeRequested, MigrateDataRequested
    }
}
