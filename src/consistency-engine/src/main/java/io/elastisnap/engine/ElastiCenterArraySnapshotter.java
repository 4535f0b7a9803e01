// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import io.elastisnap.elasticenter.ApiRecord;
import io.elastisnap.elasticenter.DatasetSnapshot;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.ElastiCenterNotFoundException;
import io.elastisnap.elasticenter.FileSystem;
import io.elastisnap.elasticenter.StorageSnapshot;
import io.elastisnap.elasticenter.Tsm;
import io.elastisnap.elasticenter.UnknownOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * {@link ArraySnapshotter} on ElastiCenter. A snapshot's path is {@code <volume dataset path>@<name>}; the dataset
 * paths are looked up in {@link #prepare} (before the freeze) and cached, so inside the frozen window each volume
 * costs exactly one {@code createStorageSnapshot} call. Without a cached path the snapshot is looked up with
 * {@code listStorageSnapshots} after creating it.
 *
 * <p>The client's connection pool bounds how many snapshot calls really run at once: configure
 * {@code ElastiCenterConfig.maxConnections} at least as high as the volumes snapshotted concurrently through it.
 */
public final class ElastiCenterArraySnapshotter implements ArraySnapshotter {
    private static final Logger LOG = LogManager.getLogger(ElastiCenterArraySnapshotter.class);

    private final ElastiCenterClient client;
    private final Duration unknownOutcomeWindow;
    private final ConcurrentMap<String, String> datasetPaths = new ConcurrentHashMap<>();

    /** A call of unknown outcome is watched for as long as the client's read timeout (as long as it waited for it). */
    public ElastiCenterArraySnapshotter(ElastiCenterClient client) {
        this(client, client.config().readTimeout());
    }

    /**
     * @param unknownOutcomeWindow how long after a create or delete of unknown outcome (timed out, answer lost) the
     *                             appliance may still carry it out: the snapshot is looked up by name until then
     */
    public ElastiCenterArraySnapshotter(ElastiCenterClient client, Duration unknownOutcomeWindow) {
        this.client = Objects.requireNonNull(client, "client");
        this.unknownOutcomeWindow = Objects.requireNonNull(unknownOutcomeWindow, "unknownOutcomeWindow");
    }

    /** Created, but the path could not be learnt: the snapshot exists, so the engine must find and delete it. */
    private static final class PathUnknownException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PathUnknownException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Checks that every volume exists and caches its ZFS dataset path. {@code listFileSystem} reports the IQN as
     * {@code path}, so the dataset path comes from the volume's TSM ({@code listTsm} → {@code volumes[].path}); all
     * volumes of that TSM are cached at once.
     */
    @Override
    public void prepare(List<String> volumeIds) {
        for (String volumeId : volumeIds) {
            if (datasetPaths.containsKey(volumeId)) {
                continue;
            }
            FileSystem fileSystem = client.findFileSystem(volumeId).orElseThrow(() -> new IllegalArgumentException(
                    "volume " + volumeId + " does not exist on ElastiCenter " + client.config().endpoint()));
            fileSystem.tsmId().flatMap(client::findTsm).ifPresent(this::cacheDatasetPaths);
            if (!datasetPaths.containsKey(volumeId)) {
                LOG.debug("No dataset path for volume {}; its snapshot paths will be listed after creation", volumeId);
            }
        }
    }

    private void cacheDatasetPaths(Tsm tsm) {
        for (ApiRecord volume : tsm.record().records("volumes")) {
            Optional<String> id = volume.string("id");
            Optional<String> path = volume.string("path");
            if (id.isPresent() && path.isPresent() && path.get().contains("/")) {
                datasetPaths.put(id.get(), path.get());
            }
        }
    }

    @Override
    public ArraySnapshot create(String volumeId, String snapshotName) {
        StorageSnapshot created = client.createStorageSnapshot(volumeId, snapshotName);
        String datasetPath = datasetPaths.get(volumeId);
        String path;
        if (datasetPath != null) {
            path = datasetPath + "@" + snapshotName;
        } else {
            try {
                path = client.findStorageSnapshot(volumeId, snapshotName).map(DatasetSnapshot::path).orElseThrow(
                        () -> new PathUnknownException("snapshot " + snapshotName + " of volume " + volumeId
                                + " was created but listStorageSnapshots does not list it", null));
            } catch (ElastiCenterException e) {
                throw new PathUnknownException("snapshot " + snapshotName + " of volume " + volumeId
                        + " was created but its path could not be listed: " + e.getMessage(), e);
            }
        }
        return new ArraySnapshot(volumeId, snapshotName, path, created.id().orElse(null));
    }

    /**
     * Only when the create may have taken effect: the client says the outcome is unknown (timeout or lost answer
     * after the request went out), or the snapshot was made but its path not learnt. A conflict (the name exists
     * already) is someone else's snapshot and is never returned here.
     */
    @Override
    public Optional<ArraySnapshot> findAfterFailedCreate(String volumeId, String snapshotName, RuntimeException failure) {
        boolean maybeCreated = failure instanceof PathUnknownException || UnknownOutcome.isUnknown(failure);
        if (!maybeCreated) {
            return Optional.empty();
        }
        return find(volumeId, snapshotName);
    }

    @Override
    public Duration unknownOutcomeWindow(RuntimeException failure) {
        return UnknownOutcome.isUnknown(failure) ? unknownOutcomeWindow : Duration.ZERO;
    }

    @Override
    public Optional<ArraySnapshot> find(String volumeId, String snapshotName) {
        return client.findStorageSnapshot(volumeId, snapshotName)
                .map(s -> new ArraySnapshot(volumeId, snapshotName, s.path(), null));
    }

    /**
     * Deletes by path. "Not found" counts as deleted only after the volume's listing confirms no snapshot of that
     * name exists under another path (so a wrong path can never make a delete look successful).
     */
    @Override
    public void delete(ArraySnapshot snapshot) {
        try {
            client.deleteSnapshot(snapshot.volumeId(), snapshot.path());
        } catch (ElastiCenterNotFoundException e) {
            Optional<DatasetSnapshot> listed = client.findStorageSnapshot(snapshot.volumeId(), snapshot.snapshotName());
            if (!listed.isPresent()) {
                LOG.debug("Snapshot {} of volume {} is gone already", snapshot.path(), snapshot.volumeId());
                return;
            }
            LOG.warn("Snapshot {} of volume {} is listed as {}; deleting that", snapshot.path(), snapshot.volumeId(),
                    listed.get().path());
            client.deleteSnapshot(snapshot.volumeId(), listed.get().path());
        }
    }
}
