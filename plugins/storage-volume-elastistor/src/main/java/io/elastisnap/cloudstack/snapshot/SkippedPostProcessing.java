// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.snapshot;

import java.util.List;

import javax.inject.Inject;

import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.VolumeInfo;
import org.apache.cloudstack.storage.datastore.db.SnapshotDataStoreDao;
import org.apache.cloudstack.storage.datastore.db.SnapshotDataStoreVO;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.event.EventTypes;
import com.cloud.event.UsageEventUtils;
import com.cloud.host.dao.HostDao;
import com.cloud.hypervisor.Hypervisor.HypervisorType;
import com.cloud.storage.DataStoreRole;
import com.cloud.storage.dao.SnapshotZoneDao;

/**
 * What CloudStack 4.22 skips after TAKE for a volume without a VM host. Its post-processing
 * (SnapshotManagerImpl.postCreateSnapshot, then endLastChainIfNeeded(long clusterId, ...)) unboxes the cluster id of the
 * volume's VM host for every KVM snapshot; for a volume with none (detached, or its VM never started) that throws a
 * NullPointerException, which CloudStack logs at DEBUG and swallows, skipping the snapshot's zone record
 * (snapshot_zone_ref: per-zone listing) and its SNAPSHOT.CREATE usage event (billing). For exactly those snapshots they
 * are recorded here, as CloudStack records them.
 */
public class SkippedPostProcessing {
    private static final Logger LOG = LogManager.getLogger(SkippedPostProcessing.class);

    @Inject
    private HostDao hostDao;
    @Inject
    private SnapshotZoneDao snapshotZoneDao;
    @Inject
    private SnapshotDataStoreDao snapshotDataStoreDao;

    /** Call after TAKE succeeded, before CloudStack's post-processing runs. */
    public void recordIfCloudStackWillSkip(SnapshotInfo snapshot, VolumeInfo volume) {
        if (!HypervisorType.KVM.equals(snapshot.getHypervisorType()) || hostDao.findClusterIdByVolumeInfo(volume) != null) {
            return;
        }
        long zoneId = snapshot.getDataCenterId();
        snapshotZoneDao.addSnapshotToZone(snapshot.getId(), zoneId);
        List<SnapshotDataStoreVO> refs = snapshotDataStoreDao.listBySnapshotAndDataStoreRole(snapshot.getId(), DataStoreRole.Primary);
        long physicalSize = refs.isEmpty() ? 0 : refs.get(0).getPhysicalSize();
        publishCreated(snapshot, zoneId, physicalSize, volume.getSize());
        LOG.debug("Recorded the zone and the usage event of snapshot {}, which CloudStack skips for a volume without a VM host",
                snapshot.getUuid());
    }

    /** The SNAPSHOT.CREATE event exactly as CloudStack's takeSnapshot publishes it. */
    protected void publishCreated(SnapshotInfo snapshot, long zoneId, long physicalSize, Long volumeSize) {
        UsageEventUtils.publishUsageEvent(EventTypes.EVENT_SNAPSHOT_CREATE, snapshot.getAccountId(), zoneId, snapshot.getId(),
                snapshot.getName(), null, null, physicalSize, volumeSize, snapshot.getClass().getName(), snapshot.getUuid());
    }
}
