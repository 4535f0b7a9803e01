// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.FileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * For {@link VolumeRestore#recoverInterrupted()} after a killed restore, whose clone may have been attached any way:
 * detaches a loop device over the clone's image and logs out of the clone with each given login; each leaves alone
 * what is not its. The export is not shut: the clone is deleted next.
 */
public final class RecoveringCloneHost implements CloneHost {
    private final ElastiCenterClient client;
    private final List<IscsiLunLogin> logins;

    public RecoveringCloneHost(ElastiCenterClient client, List<IscsiLunLogin> logins) {
        this.client = client;
        this.logins = List.copyOf(logins);
    }

    @Override
    public Path attach(String cloneVolumeId) throws IOException {
        throw new IOException("a recovering clone host only detaches");
    }

    @Override
    public void detach(Path attached, String cloneVolumeId) throws IOException {
        LoopImageCloneHost.forDetach().detach(attached, cloneVolumeId);
        String iqn = client.findFileSystem(cloneVolumeId).flatMap(FileSystem::iqn).orElse(null);
        for (IscsiLunLogin login : logins) {
            login.logout(attached, iqn, cloneVolumeId);
        }
    }
}
