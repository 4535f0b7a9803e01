// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

import com.cloud.host.Host;
import com.cloud.offering.DiskOffering;
import com.cloud.storage.Storage.StoragePoolType;
import com.cloud.storage.StoragePool;
import com.cloud.storage.Volume;
import com.cloud.utils.Pair;
import java.util.Map;
import org.apache.cloudstack.framework.async.AsyncCompletionCallback;
import org.apache.cloudstack.storage.command.CommandResult;

public interface PrimaryDataStoreDriver extends DataStoreDriver {
    enum QualityOfServiceState {
        MIGRATION, NO_MIGRATION
    }

    String BASIC_CREATE = "basicCreate";
    String BASIC_DELETE = "basicDelete";
    String BASIC_DELETE_FAILURE = "basicDeleteFailure";
    String BASIC_DELETE_BY_FOLDER = "basicDeleteByFolder";
    String BASIC_GRANT_ACCESS = "basicGrantAccess";
    String BASIC_REVOKE_ACCESS = "basicRevokeAccess";
    String BASIC_IQN = "basicIqn";

    ChapInfo getChapInfo(DataObject dataObject);

    boolean grantAccess(DataObject dataObject, Host host, DataStore dataStore);

    void revokeAccess(DataObject dataObject, Host host, DataStore dataStore);

    default boolean requiresAccessForMigration(DataObject dataObject) {
        return false;
    }

    long getDataObjectSizeIncludingHypervisorSnapshotReserve(DataObject dataObject, StoragePool storagePool);

    long getBytesRequiredForTemplate(TemplateInfo templateInfo, StoragePool storagePool);

    long getUsedBytes(StoragePool storagePool);

    long getUsedIops(StoragePool storagePool);

    void takeSnapshot(SnapshotInfo snapshot, AsyncCompletionCallback<CreateCmdResult> callback);

    void revertSnapshot(SnapshotInfo snapshotOnImageStore, SnapshotInfo snapshotOnPrimaryStore, AsyncCompletionCallback<CommandResult> callback);

    void handleQualityOfServiceForVolumeMigration(VolumeInfo volumeInfo, QualityOfServiceState qualityOfServiceState);

    boolean canProvideStorageStats();

    default boolean poolProvidesCustomStorageStats() {
        return false;
    }

    default Map<String, String> getCustomStorageStats(StoragePool pool) {
        return null;
    }

    Pair<Long, Long> getStorageStats(StoragePool storagePool);

    default Pair<Long, Long> getStorageIopsStats(StoragePool storagePool) {
        return null;
    }

    boolean canProvideVolumeStats();

    Pair<Long, Long> getVolumeStats(StoragePool storagePool, String volumeId);

    boolean canHostAccessStoragePool(Host host, StoragePool pool);

    default boolean canHostPrepareStoragePoolAccess(Host host, StoragePool pool) {
        return false;
    }

    default boolean canDisconnectHostFromStoragePool(Host host, StoragePool pool) {
        return true;
    }

    boolean isVmInfoNeeded();

    void provideVmInfo(long vmId, long volumeId);

    boolean isVmTagsNeeded(String tagKey);

    void provideVmTags(long vmId, long volumeId, String tagValue);

    boolean isStorageSupportHA(StoragePoolType type);

    void detachVolumeFromAllStorageNodes(Volume volume);

    default boolean volumesRequireGrantAccessWhenUsed() {
        return false;
    }

    default boolean zoneWideVolumesAvailableWithoutClusterMotion() {
        return false;
    }

    default long getVolumeSizeRequiredOnPool(long volumeSize, Long templateSize, boolean isEncryptionRequired) {
        return volumeSize;
    }

    default boolean informStorageForDiskOfferingChange() {
        return false;
    }

    default void updateStorageWithTheNewDiskOffering(Volume volume, DiskOffering newDiskOffering) {
    }
}
