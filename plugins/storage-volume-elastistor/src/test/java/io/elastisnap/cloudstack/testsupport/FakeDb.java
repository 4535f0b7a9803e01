// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.testsupport;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.nullable;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import org.apache.cloudstack.api.ResourceDetail;
import org.apache.cloudstack.resourcedetail.ResourceDetailsDao;
import org.apache.cloudstack.storage.datastore.db.PrimaryDataStoreDao;
import org.apache.cloudstack.storage.datastore.db.StoragePoolDetailVO;
import org.apache.cloudstack.storage.datastore.db.StoragePoolDetailsDao;
import org.apache.cloudstack.storage.datastore.db.StoragePoolVO;
import org.apache.cloudstack.storage.vmsnapshot.VMSnapshotHelper;

import com.cloud.storage.SnapshotVO;
import com.cloud.storage.Volume;
import com.cloud.storage.VolumeDetailVO;
import com.cloud.storage.VolumeVO;
import com.cloud.storage.dao.SnapshotDao;
import com.cloud.storage.dao.SnapshotDetailsDao;
import com.cloud.storage.dao.SnapshotDetailsVO;
import com.cloud.storage.dao.VolumeDao;
import com.cloud.storage.dao.VolumeDetailsDao;
import com.cloud.utils.fsm.NoTransitionException;
import com.cloud.vm.VMInstanceVO;
import com.cloud.vm.dao.VMInstanceDao;
import com.cloud.vm.snapshot.VMSnapshot;
import com.cloud.vm.snapshot.VMSnapshotVO;
import com.cloud.vm.snapshot.dao.VMSnapshotDao;
import com.cloud.vm.snapshot.dao.VMSnapshotDetailsDao;

import io.elastisnap.cloudstack.record.ArraySnapshotOwners;

/**
 * CloudStack's DAOs as Mockito mocks over in-memory tables, and VMSnapshotHelper enforcing CloudStack's real VM snapshot
 * state machine (cloudstack-api.md 1.19), so tests observe the rows and states a flow leaves behind.
 */
public final class FakeDb {
    public final Map<Long, Entities.Pool> pools = new LinkedHashMap<>();
    public final Map<Long, Entities.Vol> volumes = new LinkedHashMap<>();
    public final Map<Long, Entities.Vm> vms = new LinkedHashMap<>();
    public final Map<Long, Entities.VmSnap> vmSnapshots = new LinkedHashMap<>();
    public final Map<Long, Entities.Snap> snapshots = new LinkedHashMap<>();
    public final Map<Long, Map<String, String>> poolDetailRows = new HashMap<>();
    public final Map<Long, Map<String, String>> snapshotDetailRows = new HashMap<>();
    public final Map<Long, Map<String, String>> vmSnapshotDetailRows = new HashMap<>();
    public final Map<Long, Map<String, String>> volumeDetailRows = new HashMap<>();
    /** Hidden (display=false) detail names per resource id, for all detail tables. */
    public final Map<String, Boolean> displayOf = new HashMap<>();
    /** VM snapshot transitions in order, e.g. "7:CreateRequested:Allocated->Creating". */
    public final List<String> vmSnapshotTransitions = new ArrayList<>();

    public final PrimaryDataStoreDao poolDao = mock(PrimaryDataStoreDao.class);
    public final VolumeDao volumeDao = mock(VolumeDao.class);
    public final VMInstanceDao vmDao = mock(VMInstanceDao.class);
    public final VMSnapshotDao vmSnapshotDao = mock(VMSnapshotDao.class);
    public final SnapshotDao snapshotDao = mock(SnapshotDao.class);
    public final StoragePoolDetailsDao poolDetails = details(StoragePoolDetailsDao.class, poolDetailRows);
    public final SnapshotDetailsDao snapshotDetails = details(SnapshotDetailsDao.class, snapshotDetailRows);
    public final VMSnapshotDetailsDao vmSnapshotDetails = details(VMSnapshotDetailsDao.class, vmSnapshotDetailRows);
    public final VolumeDetailsDao volumeDetails = details(VolumeDetailsDao.class, volumeDetailRows);
    public final VMSnapshotHelper vmSnapshotHelper = mock(VMSnapshotHelper.class);
    public final ArraySnapshotOwners owners = new ArraySnapshotOwners(snapshotDao, vmSnapshotDao);

    private static final Map<String, VMSnapshot.State> VM_SNAPSHOT_FSM = new HashMap<>();

    static {
        vmFsm(VMSnapshot.State.Allocated, VMSnapshot.Event.CreateRequested, VMSnapshot.State.Creating);
        vmFsm(VMSnapshot.State.Creating, VMSnapshot.Event.OperationSucceeded, VMSnapshot.State.Ready);
        vmFsm(VMSnapshot.State.Creating, VMSnapshot.Event.OperationFailed, VMSnapshot.State.Error);
        vmFsm(VMSnapshot.State.Ready, VMSnapshot.Event.RevertRequested, VMSnapshot.State.Reverting);
        vmFsm(VMSnapshot.State.Reverting, VMSnapshot.Event.OperationSucceeded, VMSnapshot.State.Ready);
        vmFsm(VMSnapshot.State.Reverting, VMSnapshot.Event.OperationFailed, VMSnapshot.State.Ready);
        vmFsm(VMSnapshot.State.Ready, VMSnapshot.Event.ExpungeRequested, VMSnapshot.State.Expunging);
        vmFsm(VMSnapshot.State.Error, VMSnapshot.Event.ExpungeRequested, VMSnapshot.State.Expunging);
        vmFsm(VMSnapshot.State.Expunging, VMSnapshot.Event.ExpungeRequested, VMSnapshot.State.Expunging);
        vmFsm(VMSnapshot.State.Expunging, VMSnapshot.Event.OperationSucceeded, VMSnapshot.State.Removed);
        vmFsm(VMSnapshot.State.Expunging, VMSnapshot.Event.OperationFailed, VMSnapshot.State.Error);
        vmFsm(VMSnapshot.State.Expunging, VMSnapshot.Event.Hide, VMSnapshot.State.Hidden);
        vmFsm(VMSnapshot.State.Hidden, VMSnapshot.Event.ExpungeRequested, VMSnapshot.State.Expunging);
    }

    private static void vmFsm(VMSnapshot.State from, VMSnapshot.Event event, VMSnapshot.State to) {
        VM_SNAPSHOT_FSM.put(from + ":" + event, to);
    }

    public FakeDb() {
        when(poolDao.findById(anyLong())).thenAnswer(i -> pools.get((Long) i.getArgument(0)));
        when(poolDao.findByUuid(anyString())).thenAnswer(i -> pools.values().stream()
                .filter(p -> p.getUuid().equals(i.getArgument(0))).findFirst().orElse(null));
        when(poolDao.findPoolsByProvider(anyString())).thenAnswer(i -> pools.values().stream()
                .filter(p -> p.getStorageProviderName().equals(i.getArgument(0))).collect(Collectors.<StoragePoolVO>toList()));
        when(volumeDao.findById(anyLong())).thenAnswer(i -> volumes.get((Long) i.getArgument(0)));
        when(volumeDao.findByIdIncludingRemoved(anyLong())).thenAnswer(i -> volumes.get((Long) i.getArgument(0)));
        when(volumeDao.findByUuidIncludingRemoved(anyString())).thenAnswer(i -> volumes.values().stream()
                .filter(v -> v.uuid.equals(i.getArgument(0))).findFirst().orElse(null));
        when(volumeDao.findByInstance(anyLong())).thenAnswer(i -> volumes.values().stream()
                .filter(v -> Long.valueOf((long) i.getArgument(0)).equals(v.instanceId)).collect(Collectors.<VolumeVO>toList()));
        // as CloudStack 4.22's VolumeDaoImpl: the one-argument form lists ROOT volumes only, a null type lists all
        when(volumeDao.findByPoolId(anyLong())).thenAnswer(i -> volumes.values().stream()
                .filter(v -> Long.valueOf((long) i.getArgument(0)).equals(v.poolId) && v.type == Volume.Type.ROOT)
                .collect(Collectors.<VolumeVO>toList()));
        when(volumeDao.findByPoolId(anyLong(), nullable(Volume.Type.class))).thenAnswer(i -> volumes.values().stream()
                .filter(v -> Long.valueOf((long) i.getArgument(0)).equals(v.poolId)
                        && (i.getArgument(1) == null || i.getArgument(1) == v.type)).collect(Collectors.<VolumeVO>toList()));
        when(volumeDao.update(anyLong(), any())).thenReturn(true);
        when(vmDao.findById(anyLong())).thenAnswer(i -> vms.get((Long) i.getArgument(0)));
        when(vmSnapshotDao.findById(anyLong())).thenAnswer(i -> vmSnapshots.get((Long) i.getArgument(0)));
        when(vmSnapshotDao.findByVm(anyLong())).thenAnswer(i -> vmSnapshots.values().stream()
                .filter(s -> s.vmId == (Long) i.getArgument(0) && !s.removed).collect(Collectors.<VMSnapshotVO>toList()));
        when(vmSnapshotDao.findCurrentSnapshotByVmId(anyLong())).thenAnswer(i -> vmSnapshots.values().stream()
                .filter(s -> s.vmId == (Long) i.getArgument(0) && !s.removed && Boolean.TRUE.equals(s.current)).findFirst().orElse(null));
        when(vmSnapshotDao.update(anyLong(), any())).thenReturn(true);
        when(vmSnapshotDao.remove(anyLong())).thenAnswer(i -> {
            vmSnapshots.get((Long) i.getArgument(0)).removed = true;
            return true;
        });
        when(snapshotDao.findById(anyLong())).thenAnswer(i -> snapshots.get((Long) i.getArgument(0)));
        when(snapshotDao.listByVolumeId(anyLong())).thenAnswer(i -> snapshots.values().stream()
                .filter(s -> s.volumeId == (Long) i.getArgument(0)).collect(Collectors.<SnapshotVO>toList()));
        when(snapshotDao.findByUuidIncludingRemoved(anyString())).thenAnswer(i -> snapshots.values().stream()
                .filter(s -> s.getUuid().equals(i.getArgument(0))).findFirst().orElse(null));
        when(vmSnapshotDao.findByUuidIncludingRemoved(anyString())).thenAnswer(i -> vmSnapshots.values().stream()
                .filter(s -> s.getUuid().equals(i.getArgument(0))).findFirst().orElse(null));
        when(snapshotDao.update(anyLong(), any())).thenReturn(true);
        when(snapshotDao.remove(anyLong())).thenAnswer(i -> snapshots.remove((Long) i.getArgument(0)) != null);
        try {
            when(vmSnapshotHelper.vmSnapshotStateTransitTo(any(), any())).thenAnswer(i -> {
                Entities.VmSnap snapshot = i.getArgument(0);
                VMSnapshot.Event event = i.getArgument(1);
                VMSnapshot.State next = VM_SNAPSHOT_FSM.get(snapshot.state + ":" + event);
                if (next == null) {
                    throw new NoTransitionException("no transition from " + snapshot.state + " on " + event);
                }
                vmSnapshotTransitions.add(snapshot.id + ":" + event + ":" + snapshot.state + "->" + next);
                snapshot.state = next;
                return true;
            });
        } catch (NoTransitionException e) {
            throw new AssertionError(e);
        }
    }

    /** A details DAO over {@code rows}: addDetail replaces, list returns a copy, findDetail answers volume and pool detail rows. */
    private <D extends ResourceDetailsDao<?>> D details(Class<D> type, Map<Long, Map<String, String>> rows) {
        D dao = mock(type);
        doAnswer(i -> {
            rows.computeIfAbsent((Long) i.getArgument(0), k -> new LinkedHashMap<>()).put(i.getArgument(1), i.getArgument(2));
            displayOf.put(type.getSimpleName() + ":" + i.getArgument(0) + ":" + i.getArgument(1), i.getArgument(3));
            return null;
        }).when(dao).addDetail(anyLong(), anyString(), anyString(), anyBoolean());
        doAnswer(i -> rows.getOrDefault((Long) i.getArgument(0), Collections.emptyMap()).remove((String) i.getArgument(1)))
                .when(dao).removeDetail(anyLong(), anyString());
        doAnswer(i -> rows.remove((Long) i.getArgument(0))).when(dao).removeDetails(anyLong());
        when(dao.listDetailsKeyPairs(anyLong())).thenAnswer(i -> new HashMap<>(rows.getOrDefault((Long) i.getArgument(0),
                Collections.emptyMap())));
        when(dao.findDetails(anyString())).thenAnswer(i -> rowsNamed(type, rows, i.getArgument(0), null));
        when(dao.findDetails(anyString(), anyString(), nullable(Boolean.class))).thenAnswer(i -> rowsNamed(type, rows, i.getArgument(0),
                i.getArgument(1)));
        if (type == VolumeDetailsDao.class) {
            when(((VolumeDetailsDao) dao).findDetail(anyLong(), anyString())).thenAnswer(i -> detailRow(VolumeDetailVO.class, type, rows,
                    i.getArgument(0), i.getArgument(1)));
        } else if (type == StoragePoolDetailsDao.class) {
            when(((StoragePoolDetailsDao) dao).findDetail(anyLong(), anyString())).thenAnswer(i -> detailRow(StoragePoolDetailVO.class,
                    type, rows, i.getArgument(0), i.getArgument(1)));
        } else if (type == SnapshotDetailsDao.class) {
            when(((SnapshotDetailsDao) dao).findDetail(anyLong(), anyString())).thenAnswer(i -> detailRow(SnapshotDetailsVO.class,
                    type, rows, i.getArgument(0), i.getArgument(1)));
            when(((SnapshotDetailsDao) dao).findDetails(anyString())).thenAnswer(i -> rows.keySet().stream()
                    .map(id -> detailRow(SnapshotDetailsVO.class, type, rows, id, i.getArgument(0))).filter(Objects::nonNull)
                    .collect(Collectors.toList()));
        }
        return dao;
    }

    /** findDetails(name[, value]): a row per resource carrying the detail (with that value), as ResourceDetailsDaoBase lists them. */
    private List<ResourceDetail> rowsNamed(Class<?> daoType, Map<Long, Map<String, String>> rows, String name, String value) {
        Class<? extends ResourceDetail> voType = daoType == StoragePoolDetailsDao.class ? StoragePoolDetailVO.class
                : daoType == SnapshotDetailsDao.class ? SnapshotDetailsVO.class : VolumeDetailVO.class;
        List<ResourceDetail> found = new ArrayList<>();
        rows.forEach((id, details) -> {
            String stored = details.get(name);
            if (stored != null && (value == null || value.equals(stored))) {
                ResourceDetail row = detailRow(voType, daoType, rows, id, name);
                when(row.getResourceId()).thenReturn(id);
                found.add(row);
            }
        });
        return found;
    }

    private <R extends ResourceDetail> R detailRow(Class<R> voType, Class<?> daoType, Map<Long, Map<String, String>> rows, long id,
                                                   String name) {
        String value = rows.getOrDefault(id, Collections.emptyMap()).get(name);
        if (value == null) {
            return null;
        }
        R detail = mock(voType);
        when(detail.getResourceId()).thenReturn(id);
        when(detail.getValue()).thenReturn(value);
        when(detail.isDisplay()).thenReturn(isDisplayed(daoType, id, name));
        return detail;
    }

    public Entities.Pool pool(long id, String provider) {
        Entities.Pool pool = new Entities.Pool(id, "pool-" + id, provider);
        pools.put(id, pool);
        return pool;
    }

    public Entities.Vm vm(long id, com.cloud.vm.VirtualMachine.State state, Long hostId) {
        Entities.Vm vm = new Entities.Vm(id, state, hostId);
        vms.put(id, vm);
        return vm;
    }

    public Entities.Vol volume(long id, Long poolId, Long vmId) {
        Entities.Vol volume = new Entities.Vol(id, poolId, vmId);
        volumes.put(id, volume);
        return volume;
    }

    public Entities.VmSnap vmSnapshot(long id, long vmId) {
        Entities.VmSnap snapshot = new Entities.VmSnap(id, vmId);
        vmSnapshots.put(id, snapshot);
        return snapshot;
    }

    public Map<String, String> detailsOf(Map<Long, Map<String, String>> table, long id) {
        return table.getOrDefault(id, Collections.emptyMap());
    }

    public boolean isDisplayed(Class<?> daoType, long id, String name) {
        return Boolean.TRUE.equals(displayOf.get(daoType.getSimpleName() + ":" + id + ":" + name));
    }

    public List<VMInstanceVO> allVms() {
        return new ArrayList<>(vms.values());
    }
}
