// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The end-to-end fixture's environment file ({@code resources/e2e/fixture.sh start} writes
 * {@code $ELASTISNAP_E2E_DIR/fixture.env}): a libvirtd with QEMU (TCG), a guest kernel and initramfs with
 * qemu-guest-agent, and a reflink XFS store. The demo uses it when present; nothing depends on it.
 */
public final class E2eFixture {
    public static final Path DEFAULT_DIRECTORY = Path.of("/var/tmp/elastisnap-e2e");

    private final Map<String, String> values;

    private E2eFixture(Map<String, String> values) {
        this.values = values;
    }

    /** The fixture described by {@code fixture.env}, if the file exists and names a kernel and initramfs that exist. */
    public static Optional<E2eFixture> detect(Map<String, String> env) {
        String dir = env.get("ELASTISNAP_E2E_DIR");
        Path file = (dir == null || dir.isBlank() ? DEFAULT_DIRECTORY : Path.of(dir)).resolve("fixture.env");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Map<String, String> values = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (!line.startsWith("#") && eq > 0) {
                    values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        E2eFixture fixture = new E2eFixture(values);
        boolean usable = fixture.get("KERNEL").map(Path::of).filter(Files::isRegularFile).isPresent()
                && fixture.get("INITRAMFS").map(Path::of).filter(Files::isRegularFile).isPresent()
                && fixture.get("LIBVIRT_URI").isPresent();
        return usable ? Optional.of(fixture) : Optional.empty();
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key)).filter(v -> !v.isEmpty());
    }

    public String libvirtUri() {
        return values.get("LIBVIRT_URI");
    }

    public Path kernel() {
        return Path.of(values.get("KERNEL"));
    }

    public Path initramfs() {
        return Path.of(values.get("INITRAMFS"));
    }

    /** The reflink store, if the fixture mounted one. */
    public Optional<Path> xfsMount() {
        return get("XFS_MOUNT").map(Path::of).filter(Files::isDirectory);
    }

    public String domainPrefix() {
        return get("DOMAIN_PREFIX").orElse("es-e2e-");
    }
}
