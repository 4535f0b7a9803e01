// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Re-reads copies and checks them against their records: the SHA-256 of every byte, the qcow2 metadata, and that an
 * incremental copy's backing chain is exactly the recorded files (so a restore never reads an unchecked file).
 */
public final class ImageVerifier {
    private final QemuImg qemuImg;

    public ImageVerifier(QemuImg qemuImg) {
        this.qemuImg = qemuImg;
    }

    /** Checks one file; throws {@link TransferException.Kind#CORRUPT} naming it when it is not what was recorded. */
    public void verify(ExpectedImage image) {
        Path file = image.file();
        String actual;
        try {
            actual = Sha256.of(file);
        } catch (NoSuchFileException e) {
            throw new TransferException(TransferException.Kind.CORRUPT, "copy " + file + " is missing",
                    "restore from another copy; this one is lost", e);
        } catch (IOException e) {
            throw new TransferException(TransferException.Kind.CORRUPT, "cannot read copy " + file + ": " + e.getMessage(),
                    "check the storage the copy is on", e);
        }
        if (!actual.equalsIgnoreCase(image.sha256())) {
            throw new TransferException(TransferException.Kind.CORRUPT, "copy " + file + " is corrupt: its SHA-256 is "
                    + actual + ", recorded " + image.sha256(), "restore from another copy; do not use this one");
        }
        Optional<String> broken = qemuImg.check(file);
        if (broken.isPresent()) {
            throw new TransferException(TransferException.Kind.CORRUPT, "copy " + file + " has inconsistent qcow2 metadata: "
                    + broken.get(), "restore from another copy; do not use this one");
        }
    }

    /**
     * Checks a chain given top first (the copy to restore, then its base, its base's base...): each file's checksum,
     * and that each file's recorded backing file is the next one, the last having none.
     */
    public void verifyChain(List<ExpectedImage> chainTopFirst) {
        if (chainTopFirst.isEmpty()) {
            throw new IllegalArgumentException("an empty chain");
        }
        List<Path> actualChain = backingChain(chainTopFirst.get(0).file());
        List<Path> expectedChain = new ArrayList<>();
        chainTopFirst.forEach(i -> expectedChain.add(i.file()));
        for (ExpectedImage image : chainTopFirst) {
            verify(image);
        }
        if (!actualChain.equals(expectedChain)) {
            throw new TransferException(TransferException.Kind.CORRUPT, "copy " + chainTopFirst.get(0).file()
                    + " is based on " + actualChain.subList(1, actualChain.size()) + " but its record names "
                    + expectedChain.subList(1, expectedChain.size()), "restore from another copy");
        }
    }

    /** The file and every backing file it names, top first (read from the qcow2 headers, no data read). */
    public List<Path> backingChain(Path top) {
        List<Path> chain = new ArrayList<>();
        Path current = top.toAbsolutePath().normalize();
        while (current != null) {
            if (chain.contains(current) || chain.size() > 1000) {
                throw new TransferException(TransferException.Kind.CORRUPT, "copy " + top + " has a backing loop at "
                        + current, "restore from another copy");
            }
            if (!Files.isRegularFile(current)) {
                throw new TransferException(TransferException.Kind.CORRUPT, "copy " + current + " is missing"
                        + (chain.isEmpty() ? "" : " (the base of " + chain.get(chain.size() - 1) + ")"),
                        "restore from another copy; this chain is broken");
            }
            chain.add(current);
            Optional<String> backing = qemuImg.infoQcow2(current).backingFile;
            current = backing.map(b -> chain.get(chain.size() - 1).getParent().resolve(b).normalize()).orElse(null);
        }
        return chain;
    }
}
