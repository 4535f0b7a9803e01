// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.store;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** Child process for the cross-process lock test: takes a domain lock, says so, holds it until stdin closes. */
public final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws IOException {
        RecordStore store = new RecordStore(Path.of(args[0]), Duration.ofSeconds(5));
        store.withDomainLock(args[1], Duration.ofSeconds(5), () -> {
            System.out.println("locked");
            System.out.flush();
            try {
                while (System.in.read() >= 0) {
                    // hold the lock until the parent closes our stdin (or dies)
                }
            } catch (IOException e) {
                // parent gone: release by exiting
            }
            return null;
        });
    }
}
