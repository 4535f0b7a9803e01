// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.FileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A clone of an ElastiStor NFS share: no block device, the clone's own share ({@code <ipaddress>:<path>}, as
 * listFileSystem describes an NFS volume: {@code path} is {@code /<mountpoint>}) is NFS-mounted. The clone must be
 * exported over NFS ({@code nfsenabled}); detach has nothing to undo on the host once it is unmounted, and the export
 * goes with the clone volume.
 */
public final class NfsCloneHost implements CloneHost {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private final ElastiCenterClient client;
    private final String mountProgram;
    private final String options;

    /** {@code mount -t nfs -o <options>}; options null: the host's defaults. */
    public NfsCloneHost(ElastiCenterClient client, String options) {
        this(client, "mount", options);
    }

    /** @param mountProgram the {@code mount} to run (a test stands a recording one in) */
    public NfsCloneHost(ElastiCenterClient client, String mountProgram, String options) {
        this.client = Objects.requireNonNull(client, "client");
        this.mountProgram = Objects.requireNonNull(mountProgram, "mountProgram");
        this.options = options;
    }

    /** The clone's share, {@code host:/export}. */
    @Override
    public Path attach(String cloneVolumeId) throws IOException {
        FileSystem clone = client.findFileSystem(cloneVolumeId).orElseThrow(() -> new IOException("clone volume "
                + cloneVolumeId + " is not on the array"));
        if (!clone.nfsEnabled().orElse(false)) {
            throw new IOException("clone " + clone.name() + " (" + cloneVolumeId + ") is not exported over NFS (nfsenabled is"
                    + " not true; is the pool volume an iSCSI LUN? use the iSCSI clone attach)");
        }
        String host = clone.ipAddress().orElseThrow(() -> new IOException("the array names no address of clone " + cloneVolumeId));
        String export = clone.path().filter(p -> p.startsWith("/")).orElseThrow(() -> new IOException(
                "the array names no NFS export path of clone " + cloneVolumeId));
        return Path.of(host + ":" + export);
    }

    @Override
    public void mount(Path share, Path mountPoint) throws IOException {
        List<String> argv = new ArrayList<>(List.of(mountProgram, "-t", "nfs"));
        if (options != null) {
            argv.addAll(List.of("-o", options));
        }
        argv.addAll(List.of(share.toString(), mountPoint.toString()));
        HostCommand.run(TIMEOUT, argv.toArray(new String[0]));
    }

    @Override
    public void detach(Path share, String cloneVolumeId) {
        // an NFS mount holds nothing once unmounted
    }
}
