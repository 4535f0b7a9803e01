// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.snapshot;

import org.apache.cloudstack.engine.subsystem.api.storage.ObjectInDataStoreStateMachine;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotService;
import org.apache.cloudstack.storage.datastore.db.SnapshotDataStoreDao;
import org.apache.cloudstack.storage.datastore.db.SnapshotDataStoreVO;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.storage.DataStoreRole;
import com.cloud.storage.Snapshot;
import com.cloud.storage.SnapshotVO;
import com.cloud.storage.dao.SnapshotDao;
import com.cloud.storage.dao.SnapshotDetailsDao;

/** A volume snapshot's rows as the strategies leave them after a failed take and after a delete. */
public final class SnapshotRows {
    private static final Logger LOG = LogManager.getLogger(SnapshotRows.class);

    private SnapshotRows() {
    }

    /** A failed TAKE: the primary ref and the snapshot marked failed (Error); the caller reports the original failure. */
    public static void failQuietly(SnapshotService snapshotService, SnapshotInfo snapshot, SnapshotInfo onPrimary) {
        try {
            onPrimary.processEvent(ObjectInDataStoreStateMachine.Event.OperationFailed);
        } catch (RuntimeException e) {
            LOG.warn("Could not mark the primary reference of snapshot {} failed: {}", onPrimary.getUuid(), e.toString());
        }
        snapshotService.processEventOnSnapshotObject(snapshot, Snapshot.Event.OperationFailed);
    }

    /** Primary store refs removed, the snapshot Destroyed, its details removed: what CloudStack expects of a DELETE. */
    public static boolean forget(SnapshotDataStoreDao snapshotDataStoreDao, SnapshotDao snapshotDao, SnapshotDetailsDao snapshotDetailsDao,
            long snapshotId, SnapshotVO snapshot) {
        for (SnapshotDataStoreVO ref : snapshotDataStoreDao.listBySnapshotAndDataStoreRole(snapshotId, DataStoreRole.Primary)) {
            snapshotDataStoreDao.remove(ref.getId());
        }
        snapshot.setState(Snapshot.State.Destroyed);
        snapshotDao.update(snapshotId, snapshot);
        snapshotDetailsDao.removeDetails(snapshotId);
        return true;
    }
}
