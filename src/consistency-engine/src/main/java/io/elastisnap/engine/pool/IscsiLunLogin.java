// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.elasticenter.Secret;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The host's part of an iSCSI attach: log in to one LUN with CHAP and find its block device, and log out again.
 * {@link IscsiadmLunLogin} is a host's kernel initiator; {@link QsdLunLogin} QEMU's user-space one.
 */
public interface IscsiLunLogin {

    /**
     * Logs in to LUN {@code lun} of target {@code iqn} at {@code portal} ({@code host:port}) as {@code chapUser};
     * returns the LUN's block device. On failure nothing of the attempt is left on the host, and the secret is in no
     * message.
     */
    Path login(String portal, String iqn, int lun, String chapUser, Secret chapSecret, String cloneVolumeId) throws IOException;

    /**
     * Logs out of what {@link #login} returned for that clone and removes what the login left on the host; a device
     * that is not this login's, or not that clone's, is left alone. {@code device} null: whatever this login holds for
     * that clone; {@code iqn} null: the clone is gone from the array, so its target name is unknown.
     */
    void logout(Path device, String iqn, String cloneVolumeId) throws IOException;

    /** What this login runs with here; {@link IOException} naming what is missing, and its package. */
    String readiness() throws IOException;
}
