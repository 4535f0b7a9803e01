// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.array;

import java.util.ArrayList;
import java.util.List;

import io.elastisnap.elasticenter.DatasetSnapshot;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConflictException;
import io.elastisnap.elasticenter.ElastiCenterNotFoundException;

/** {@link ElastiStorArray} over one ElastiCenter client. */
final class ClientArray implements ElastiStorArray {
    private final ElastiCenterClient client;

    ClientArray(ElastiCenterClient client) {
        this.client = client;
    }

    @Override
    public String createSnapshot(String volumeId, String snapshotName) {
        try {
            client.createStorageSnapshot(volumeId, snapshotName);
        } catch (ElastiCenterConflictException e) {
            throw new ArrayConflictException("ElastiStor volume " + volumeId + " already has a snapshot named " + snapshotName);
        }
        return client.findStorageSnapshot(volumeId, snapshotName).map(DatasetSnapshot::path).orElseThrow(() ->
                new IllegalStateException("Snapshot " + snapshotName + " of ElastiStor volume " + volumeId
                        + " was created but is not listed"));
    }

    @Override
    public List<ArraySnapshotRef> listSnapshots(String volumeId) {
        List<ArraySnapshotRef> refs = new ArrayList<>();
        for (DatasetSnapshot s : client.listStorageSnapshots(volumeId)) {
            refs.add(new ArraySnapshotRef(s.name(), s.path(), s.hasClones()));
        }
        return refs;
    }

    @Override
    public boolean deleteSnapshot(String volumeId, String snapshotPath) {
        try {
            client.deleteSnapshot(volumeId, snapshotPath);
            return true;
        } catch (ElastiCenterNotFoundException e) {
            return false;
        } catch (ElastiCenterConflictException e) {
            throw new ArrayConflictException("ElastiStor snapshot " + snapshotPath + " has a clone (" + e.errorText() + ")");
        }
    }

    @Override
    public List<String> rollback(String volumeId, String snapshotPath) {
        try {
            List<String> destroyed = new ArrayList<>();
            for (DatasetSnapshot s : client.rollbackToSnapshot(volumeId, snapshotPath).destroyedSnapshots()) {
                destroyed.add(s.name());
            }
            return destroyed;
        } catch (ElastiCenterConflictException e) {
            throw new ArrayConflictException("Rollback of ElastiStor volume " + volumeId + " to " + snapshotPath
                    + " is blocked by a clone (" + e.errorText() + ")");
        }
    }
}
