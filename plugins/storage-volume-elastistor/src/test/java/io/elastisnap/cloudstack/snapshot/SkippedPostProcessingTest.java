// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.snapshot;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.VolumeInfo;
import org.apache.cloudstack.storage.datastore.db.SnapshotDataStoreDao;
import org.junit.Before;
import org.junit.Test;

import com.cloud.host.dao.HostDao;
import com.cloud.hypervisor.Hypervisor.HypervisorType;
import com.cloud.storage.dao.SnapshotZoneDao;

import io.elastisnap.cloudstack.testsupport.Wiring;

public class SkippedPostProcessingTest {
    private final HostDao hostDao = mock(HostDao.class);
    private final SnapshotZoneDao zones = mock(SnapshotZoneDao.class);
    private final SnapshotDataStoreDao refs = mock(SnapshotDataStoreDao.class);
    private final List<String> published = new ArrayList<>();
    private SkippedPostProcessing post;
    private final SnapshotInfo snapshot = mock(SnapshotInfo.class);
    private final VolumeInfo volume = mock(VolumeInfo.class);

    @Before
    public void setUp() {
        post = Wiring.inject(new SkippedPostProcessing() {
            @Override
            protected void publishCreated(SnapshotInfo s, long zoneId, long physicalSize, Long volumeSize) {
                published.add(s.getId() + "@" + zoneId + ":" + volumeSize);
            }
        }, hostDao, zones, refs);
        when(snapshot.getId()).thenReturn(41L);
        when(snapshot.getDataCenterId()).thenReturn(1L);
        when(snapshot.getHypervisorType()).thenReturn(HypervisorType.KVM);
        when(volume.getSize()).thenReturn(1L << 30);
        when(refs.listBySnapshotAndDataStoreRole(anyLong(), any())).thenReturn(Collections.emptyList());
    }

    /** CloudStack 4.22 unboxes a null cluster id for these (NullPointerException) and skips both records. */
    @Test
    public void aVolumeWithoutAVmHostGetsItsZoneRecordAndUsageEvent() {
        when(hostDao.findClusterIdByVolumeInfo(volume)).thenReturn(null);

        post.recordIfCloudStackWillSkip(snapshot, volume);

        verify(zones).addSnapshotToZone(41L, 1L);
        assertEquals(Collections.singletonList("41@1:" + (1L << 30)), published);
    }

    @Test
    public void nothingIsRecordedTwiceWhereCloudStackRecordsItItself() {
        when(hostDao.findClusterIdByVolumeInfo(volume)).thenReturn(3L);
        post.recordIfCloudStackWillSkip(snapshot, volume);
        when(hostDao.findClusterIdByVolumeInfo(volume)).thenReturn(null);
        when(snapshot.getHypervisorType()).thenReturn(HypervisorType.Any);
        post.recordIfCloudStackWillSkip(snapshot, volume);

        verify(zones, never()).addSnapshotToZone(anyLong(), anyLong());
        assertTrue(published.isEmpty());
    }
}
