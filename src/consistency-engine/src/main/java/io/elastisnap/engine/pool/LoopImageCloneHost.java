// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A clone volume whose data is an image file in a directory ({@code <id>.img}, as the ElastiCenter simulator keeps
 * its volumes), attached as a loop device. It stands in for the iSCSI login to the clone's target that a real
 * ElastiStor needs (this machine has no kernel iSCSI initiator).
 */
public final class LoopImageCloneHost implements CloneHost {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String IMAGE_SUFFIX = ".img";
    private final Path imageDirectory;

    public LoopImageCloneHost(Path imageDirectory) {
        this.imageDirectory = imageDirectory;
    }

    @Override
    public Path attach(String cloneVolumeId) throws IOException {
        if (imageDirectory == null) {
            throw new IOException("this clone host only detaches (no clone image directory given)");
        }
        Path image = imageDirectory.resolve(cloneVolumeId + IMAGE_SUFFIX);
        if (!Files.isRegularFile(image)) {
            throw new IOException("clone volume " + cloneVolumeId + " has no image " + image
                    + " (is the clone image directory the simulator's volumes directory?)");
        }
        return LoopDevices.attach(image);
    }

    /** For recovery: detaches only (where the images are is not needed to detach one). */
    public static LoopImageCloneHost forDetach() {
        return new LoopImageCloneHost(null);
    }

    @Override
    public void detach(Path device, String cloneVolumeId) throws IOException {
        String image = "/" + cloneVolumeId + IMAGE_SUFFIX;
        if (device == null) {
            for (String loop : LoopDevices.backedBy(image)) {
                HostCommand.run(TIMEOUT, "losetup", "--detach", loop);
            }
            return;
        }
        LoopDevices.detachIfBackedBy(device, image);
    }
}
