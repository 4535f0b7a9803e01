// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.testsupport;

import org.apache.cloudstack.engine.subsystem.api.storage.VMSnapshotOptions;
import org.apache.cloudstack.storage.datastore.db.StoragePoolVO;

import com.cloud.hypervisor.Hypervisor.HypervisorType;
import com.cloud.storage.Snapshot;
import com.cloud.storage.SnapshotVO;
import com.cloud.storage.Storage.StoragePoolType;
import com.cloud.storage.Volume;
import com.cloud.storage.VolumeVO;
import com.cloud.vm.VMInstanceVO;
import com.cloud.vm.VirtualMachine;
import com.cloud.vm.snapshot.VMSnapshot;
import com.cloud.vm.snapshot.VMSnapshotVO;

/** Plain in-memory CloudStack rows (subclasses of the VOs), so tests see the state the code under test leaves behind. */
public final class Entities {
    /** The one zone and cluster of the tests' pools. */
    public static final long ZONE = 1L;
    public static final long CLUSTER = 1L;

    private Entities() {
    }

    public static final class Pool extends StoragePoolVO {
        public final long id;
        public final String name;
        public final String provider;
        public long usedBytes;
        public boolean inMaintenance;
        public StoragePoolType type = StoragePoolType.Iscsi;
        public HypervisorType hypervisor = HypervisorType.KVM;

        public Pool(long id, String name, String provider) {
            this.id = id;
            this.name = name;
            this.provider = provider;
        }

        @Override
        public long getId() {
            return id;
        }

        @Override
        public String getUuid() {
            return "pool-uuid-" + id;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getStorageProviderName() {
            return provider;
        }

        @Override
        public boolean isInMaintenance() {
            return inMaintenance;
        }

        @Override
        public StoragePoolType getPoolType() {
            return type;
        }

        @Override
        public HypervisorType getHypervisor() {
            return hypervisor;
        }

        // The real ModifyStoragePoolCommand(boolean, StoragePool) and StorageFilerTO read getHostAddress() and getPath(),
        // and the real StoragePoolVO.getPath() dereferences its private poolType field, which this row never sets.
        @Override
        public String getHostAddress() {
            return "10.0.0.1";
        }

        public String getPath() {
            return "/tsm-" + id;
        }

        @Override
        public boolean isManaged() {
            return true;
        }

        @Override
        public long getCapacityBytes() {
            return 100L << 30;
        }

        @Override
        public long getDataCenterId() {
            return ZONE;
        }

        @Override
        public Long getClusterId() {
            return CLUSTER;
        }

        @Override
        public long getUsedBytes() {
            return usedBytes;
        }

        @Override
        public void setUsedBytes(long usedBytes) {
            this.usedBytes = usedBytes;
        }
    }

    public static final class Vol extends VolumeVO {
        public final long id;
        public final String uuid;
        public Long poolId;
        public Long instanceId;
        public Long size = 1L << 30;
        public Long maxIops;
        public Long minIops;
        public Long diskOfferingId;
        public String folder;
        public String iscsiName;
        public String path;
        public StoragePoolType poolType;
        public Volume.State state = Volume.State.Ready;
        public Volume.Type type = Volume.Type.DATADISK;
        public java.util.Date removed;

        public Vol(long id, Long poolId, Long instanceId) {
            this(id, poolId, instanceId, "0000-vol-" + id);
        }

        public Vol(long id, Long poolId, Long instanceId, String uuid) {
            this.id = id;
            this.uuid = uuid;
            this.poolId = poolId;
            this.instanceId = instanceId;
        }

        @Override
        public java.util.Date getRemoved() {
            return removed;
        }

        @Override
        public long getId() {
            return id;
        }

        @Override
        public String getUuid() {
            return uuid;
        }

        @Override
        public String getName() {
            return "DATA-" + id;
        }

        @Override
        public Long getSize() {
            return size;
        }

        @Override
        public void setSize(Long size) {
            this.size = size;
        }

        @Override
        public Long getInstanceId() {
            return instanceId;
        }

        @Override
        public Long getPoolId() {
            return poolId;
        }

        @Override
        public void setPoolId(Long poolId) {
            this.poolId = poolId;
        }

        @Override
        public String getPath() {
            return path;
        }

        @Override
        public void setPath(String path) {
            this.path = path;
        }

        @Override
        public State getState() {
            return state;
        }

        @Override
        public Volume.Type getVolumeType() {
            return type;
        }

        @Override
        public String get_iScsiName() {
            return iscsiName;
        }

        @Override
        public void set_iScsiName(String iScsiName) {
            this.iscsiName = iScsiName;
        }

        @Override
        public String getFolder() {
            return folder;
        }

        @Override
        public void setFolder(String folder) {
            this.folder = folder;
        }

        @Override
        public void setPoolType(StoragePoolType poolType) {
            this.poolType = poolType;
        }

        @Override
        public Long getMinIops() {
            return minIops;
        }

        @Override
        public Long getMaxIops() {
            return maxIops;
        }

        @Override
        public void setMinIops(Long minIops) {
            this.minIops = minIops;
        }

        @Override
        public void setMaxIops(Long maxIops) {
            this.maxIops = maxIops;
        }

        @Override
        public void setDiskOfferingId(long diskOfferingId) {
            this.diskOfferingId = diskOfferingId;
        }
    }

    public static final class Vm extends VMInstanceVO {
        public final long id;
        public VirtualMachine.State state;
        public Long hostId;

        public Vm(long id, VirtualMachine.State state, Long hostId) {
            this.id = id;
            this.state = state;
            this.hostId = hostId;
        }

        @Override
        public long getId() {
            return id;
        }

        @Override
        public String getUuid() {
            return "vm-uuid-" + id;
        }

        @Override
        public String getInstanceName() {
            return "i-2-" + id + "-VM";
        }

        @Override
        public State getState() {
            return state;
        }

        @Override
        public Long getHostId() {
            return hostId;
        }

        @Override
        public Long getLastHostId() {
            return hostId;
        }
    }

    public static final class VmSnap extends VMSnapshotVO {
        public final long id;
        public final long vmId;
        public VMSnapshot.State state = VMSnapshot.State.Allocated;
        public VMSnapshot.Type type = VMSnapshot.Type.Disk;
        public Long parent;
        public Boolean current;
        public VMSnapshotOptions options;
        public boolean removed;

        public VmSnap(long id, long vmId) {
            this.id = id;
            this.vmId = vmId;
        }

        @Override
        public long getId() {
            return id;
        }

        @Override
        public java.util.Date getRemoved() {
            return removed ? new java.util.Date(0) : null;
        }

        @Override
        public String getUuid() {
            return "vmsnap-uuid-" + id;
        }

        @Override
        public String getName() {
            return "vmsnap-" + id;
        }

        @Override
        public Long getVmId() {
            return vmId;
        }

        @Override
        public State getState() {
            return state;
        }

        @Override
        public Long getParent() {
            return parent;
        }

        @Override
        public void setParent(Long parent) {
            this.parent = parent;
        }

        @Override
        public Boolean getCurrent() {
            return current;
        }

        @Override
        public void setCurrent(Boolean current) {
            this.current = current;
        }

        @Override
        public Type getType() {
            return type;
        }

        @Override
        public VMSnapshotOptions getOptions() {
            return options;
        }
    }

    public static final class Snap extends SnapshotVO {
        public final long id;
        public final long volumeId;
        public Snapshot.State state;
        public Snapshot.LocationType locationType;
        public String uuid;
        public long accountId = 2;

        public Snap(long id, long volumeId, Snapshot.State state) {
            this.id = id;
            this.volumeId = volumeId;
            this.state = state;
            this.uuid = "snap-uuid-" + id;
        }

        @Override
        public long getId() {
            return id;
        }

        @Override
        public String getUuid() {
            return uuid;
        }

        @Override
        public String getName() {
            return "snap-" + id;
        }

        @Override
        public long getVolumeId() {
            return volumeId;
        }

        @Override
        public Snapshot.LocationType getLocationType() {
            return locationType;
        }

        @Override
        public long getAccountId() {
            return accountId;
        }

        @Override
        public State getState() {
            return state;
        }

        @Override
        public void setState(State state) {
            this.state = state;
        }
    }
}
