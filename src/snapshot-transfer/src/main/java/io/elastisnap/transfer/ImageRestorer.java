// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.List;

/**
 * Writes a copy back into a volume. Every file of its chain is verified against its record <b>before</b> the first
 * byte is written; a copy that does not verify is refused, naming the file, and the volume is left untouched.
 */
public final class ImageRestorer {
    private static final Logger LOG = LogManager.getLogger(ImageRestorer.class);
    private final QemuImg qemuImg;
    private final ImageVerifier verifier;

    public ImageRestorer(QemuImg qemuImg) {
        this.qemuImg = qemuImg;
        this.verifier = new ImageVerifier(qemuImg);
    }

    /** Restores {@code chainTopFirst} (the copy, then its bases) into {@code target}; returns the bytes of the volume. */
    public long restore(List<ExpectedImage> chainTopFirst, DataLocation target, ProgressListener progress) {
        verifier.verifyChain(chainTopFirst);
        long imageSize = qemuImg.infoQcow2(chainTopFirst.get(0).file()).virtualSize;
        long targetSize = qemuImg.infoRaw(target).virtualSize;
        if (targetSize < imageSize) {
            throw new TransferException(TransferException.Kind.BAD_INPUT, "volume " + target + " has " + targetSize
                    + " bytes, the copy " + imageSize, "restore into a volume at least as large as the copy");
        }
        LOG.info("restoring {} into {} (verified)", chainTopFirst.get(0).file(), target);
        qemuImg.writeInto(chainTopFirst.get(0).file(), target, progress);
        progress.percent(100);
        return imageSize;
    }
}
