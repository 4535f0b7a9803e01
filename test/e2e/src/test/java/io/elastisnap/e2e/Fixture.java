// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * The real-infrastructure fixture started by {@code resources/e2e/fixture.sh start}: libvirtd on qemu:///system, a
 * guest kernel + initramfs and a reflink (XFS) store. Read from the env file the script writes.
 *
 * <p>Without {@code -Delastisnap.e2e=true} the e2e tests are skipped; with it, a missing or dead fixture fails them,
 * so a CI run that meant to prove the real thing cannot pass by silently skipping it.
 */
final class Fixture {

    static final String ENABLE_PROPERTY = "elastisnap.e2e";
    private static final String START_HINT = "run `sudo resources/e2e/fixture.sh install && sudo resources/e2e/fixture.sh start`";

    private final Path kernel;
    private final Path initramfs;
    private final Path storeMount;
    private final String libvirtUri;
    private final boolean reflink;
    private final Path logDir;
    private final String domainPrefix;

    private Fixture(Properties env) {
        this.kernel = Paths.get(required(env, "KERNEL"));
        this.initramfs = Paths.get(required(env, "INITRAMFS"));
        this.storeMount = Paths.get(required(env, "XFS_MOUNT"));
        this.libvirtUri = required(env, "LIBVIRT_URI");
        this.reflink = Boolean.parseBoolean(required(env, "REFLINK"));
        this.logDir = Paths.get(required(env, "LOG_DIR"));
        this.domainPrefix = required(env, "DOMAIN_PREFIX");
    }

    /** Skips the calling test class unless e2e tests are enabled; fails when enabled but the fixture is not usable. */
    static Fixture require() {
        assumeTrue("real-infrastructure e2e tests skipped: run with -D" + ENABLE_PROPERTY + "=true after you "
                + START_HINT, Boolean.getBoolean(ENABLE_PROPERTY));
        return load(configuredWorkDir());
    }

    /** For command-line tools (no JUnit): the fixture or an IllegalStateException naming what to run. */
    static Fixture loadOrThrow() {
        try {
            return load(configuredWorkDir());
        } catch (AssertionError e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static Path configuredWorkDir() {
        String dir = System.getProperty("elastisnap.e2e.dir", System.getenv("ELASTISNAP_E2E_DIR"));
        return Paths.get(dir == null || dir.isBlank() ? "/var/tmp/elastisnap-e2e" : dir);
    }

    private static Fixture load(Path workDir) {
        Path envFile = workDir.resolve("fixture.env");
        if (!Files.isRegularFile(envFile)) {
            fail("e2e fixture not running: " + envFile + " is missing; " + START_HINT);
        }
        Properties env = new Properties();
        try (Reader in = Files.newBufferedReader(envFile)) {
            env.load(in);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + envFile + ": " + e.getMessage(), e);
        }
        Fixture fixture = new Fixture(env);
        fixture.verify();
        return fixture;
    }

    private void verify() {
        for (Path file : new Path[] {kernel, initramfs}) {
            if (!Files.isRegularFile(file)) {
                fail("e2e fixture incomplete: " + file + " is missing; " + START_HINT);
            }
        }
        if (!Files.isDirectory(storeMount)) {
            fail("e2e fixture store " + storeMount + " is missing; " + START_HINT);
        }
        try {
            Connect probe = new Connect(libvirtUri);
            probe.close();
        } catch (LibvirtException e) {
            fail("libvirt does not answer on " + libvirtUri + " (" + e.getMessage() + "); " + START_HINT);
        }
    }

    private static String required(Properties env, String key) {
        String value = env.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new AssertionError("fixture.env lacks " + key + "; " + START_HINT);
        }
        return value.trim();
    }

    Path kernel() {
        return kernel;
    }

    Path initramfs() {
        return initramfs;
    }

    /** The reflink file system the simulated array keeps its volume and snapshot images on. */
    Path storeMount() {
        return storeMount;
    }

    String libvirtUri() {
        return libvirtUri;
    }

    /** Whether snapshots on the store are O(1) reflink copies (false on the plain-directory fallback). */
    boolean reflink() {
        return reflink;
    }

    Path logDir() {
        return logDir;
    }

    /** fixture.sh stop removes every domain with this prefix, and only those. */
    String domainName(String suffix) {
        return domainPrefix + suffix;
    }
}
