// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import org.junit.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/** Secret, TlsTrust and ElastiCenterConfig: defaults, validation, and what their toString shows. */
public class ConfigurationTest {
    private static final String KEY = "2jLQePg1fSMx4QXwQedR5Xkrm_yphF1Hk_63kpOfwjvAeX7YQHoajevA";

    @Test
    public void secretHidesItsValue() {
        Secret secret = Secret.of(KEY);

        assertEquals("Secret[****]", secret.toString());
        assertEquals(KEY, secret.reveal());
        IllegalArgumentException newline = assertThrows(IllegalArgumentException.class, () -> Secret.of(KEY + "\n"));
        assertFalse(newline.getMessage().contains(KEY));
        assertThrows(IllegalArgumentException.class, () -> Secret.of(""));
    }

    @Test
    public void defaultsMatchTheContract() {
        ElastiCenterConfig config = ElastiCenterConfig.builder(URI.create("https://ec.example"), Secret.of(KEY))
                .build();

        assertEquals(URI.create("https://ec.example/client/api"), config.endpoint());
        assertEquals(TlsTrust.Mode.SYSTEM_DEFAULT, config.trust().mode());
        assertEquals(Duration.ofSeconds(10), config.connectTimeout());
        assertEquals(Duration.ofSeconds(60), config.readTimeout());
        assertEquals(Duration.ofSeconds(10), config.connectionRequestTimeout());
        assertEquals(Duration.ofMillis(250), config.jobPollInitial());
        assertEquals(Duration.ofSeconds(5), config.jobPollMax());
        assertEquals(Duration.ofMinutes(10), config.jobDeadline());
        assertEquals(2, config.readRetries());
        assertEquals(10, config.maxConnections());
        assertEquals(16 * 1024 * 1024, config.maxResponseBytes());
    }

    @Test
    public void baseUrlIsNormalisedToTheApiEndpoint() {
        for (String base : new String[]{"https://10.0.0.5:8443", "https://10.0.0.5:8443/",
                "https://10.0.0.5:8443/client/api", "HTTPS://10.0.0.5:8443/client/api/"}) {
            assertEquals(URI.create("https://10.0.0.5:8443/client/api"),
                    ElastiCenterConfig.builder(URI.create(base), Secret.of(KEY)).build().endpoint());
        }
    }

    @Test
    public void unsafeOrUnusableBaseUrlsAreRefused() {
        IllegalArgumentException http = assertThrows(IllegalArgumentException.class,
                () -> ElastiCenterConfig.builder(URI.create("http://ec.example"), Secret.of(KEY)));
        assertTrue(http.getMessage().contains("plain http is refused"));
        IllegalArgumentException query = assertThrows(IllegalArgumentException.class,
                () -> ElastiCenterConfig.builder(URI.create("https://ec.example/client/api?apiKey=" + KEY),
                        Secret.of(KEY)));
        assertFalse("the refused URL is not echoed with its query", query.getMessage().contains(KEY));
        assertThrows(IllegalArgumentException.class,
                () -> ElastiCenterConfig.builder(URI.create("https:///nohost"), Secret.of(KEY)));
    }

    @Test
    public void settingsAreValidated() {
        ElastiCenterConfig.Builder builder = ElastiCenterConfig.builder(URI.create("https://ec"), Secret.of(KEY));

        assertThrows(IllegalArgumentException.class, () -> builder.readTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> builder.connectTimeout(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> builder.readRetries(-1));
        assertThrows(IllegalArgumentException.class, () -> builder.maxConnections(0));
        assertThrows(IllegalArgumentException.class, () -> builder.maxResponseBytes(10));
        IllegalArgumentException order = assertThrows(IllegalArgumentException.class, () -> builder
                .jobPolling(Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(1)).build());
        assertTrue(order.getMessage().contains("exceeds the max interval"));
    }

    @Test
    public void toStringShowsEverythingButTheKey() {
        ElastiCenterConfig config = ElastiCenterConfig.builder(URI.create("https://ec.example"), Secret.of(KEY))
                .trust(TlsTrust.insecure()).build();

        assertFalse(config.toString().contains(KEY));
        assertTrue(config.toString().contains("apiKey=Secret[****]"));
        assertTrue(config.toString().contains("trust=TlsTrust[INSECURE]"));
    }

    @Test
    public void fingerprintsAreNormalisedAndValidated() {
        String hex = "ab".repeat(32);
        String colons = "AB:".repeat(31) + "AB";

        assertEquals(hex, TlsTrust.pinnedSha256(colons).pinnedFingerprint().orElseThrow());
        assertEquals(hex, TlsTrust.pinnedSha256(" " + hex.toUpperCase() + " ").pinnedFingerprint().orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> TlsTrust.pinnedSha256("ab".repeat(31)));
        assertThrows(IllegalArgumentException.class, () -> TlsTrust.pinnedSha256("zz".repeat(32)));
        assertThrows(IllegalArgumentException.class, () -> TlsTrust.pinnedSha256("\u0661".repeat(64)));
    }

    @Test
    public void everyTrustSpecFormParsesAndWritesBackTheSameSpec() {
        String hex = "ab".repeat(32);
        assertEquals(TlsTrust.Mode.SYSTEM_DEFAULT, TlsTrust.fromSpec("system").mode());
        assertEquals(TlsTrust.Mode.SYSTEM_DEFAULT, TlsTrust.fromSpec(" SYSTEM ").mode());
        assertEquals(TlsTrust.Mode.INSECURE, TlsTrust.fromSpec(" Insecure ").mode());
        assertEquals(Path.of("/etc/ec.pem"), TlsTrust.fromSpec("ca:/etc/ec.pem").caFilePath().orElseThrow());
        assertEquals(Path.of("/etc/ec.pem"), TlsTrust.fromSpec(" CA: /etc/ec.pem ").caFilePath().orElseThrow());
        assertEquals(hex, TlsTrust.fromSpec("SHA256:" + "AB".repeat(32)).pinnedFingerprint().orElseThrow());
        assertEquals(hex, TlsTrust.fromSpec("sha256:" + "AB:".repeat(31) + "AB").pinnedFingerprint().orElseThrow());

        for (String canonical : new String[]{"system", "insecure", "ca:/etc/ec.pem", "sha256:" + hex}) {
            assertEquals(canonical, TlsTrust.fromSpec(canonical).spec());
        }
        assertEquals("sha256:" + hex, TlsTrust.fromSpec(" Sha256:" + "AB:".repeat(31) + "AB ").spec());
        assertEquals("ca:/etc/ec.pem", TlsTrust.fromSpec("CA:/etc/ec.pem").spec());
    }

    @Test
    public void badTrustSpecsAreRefusedNamingTheProblemAndTheForms() {
        assertRefused(null, "empty", "sha256:<fingerprint>");
        assertRefused("  ", "empty", "sha256:<fingerprint>");
        assertRefused("trust-me", "unknown TLS trust setting 'trust-me'", "sha256:<fingerprint>");
        assertRefused("pin:" + "ab".repeat(32), "unknown TLS trust setting 'pin:", "sha256:<fingerprint>");
        assertRefused("ca:", "names no file", "ca:/etc/elastisnap/elasticenter.pem");
        assertRefused("ca:   ", "names no file", "ca:<path");
        assertRefused("sha256:", "64 hex digits", "got ''");
        assertRefused("sha256:AB:CD", "64 hex digits", "AB:CD");
    }

    private static void assertRefused(String spec, String... phrases) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> TlsTrust.fromSpec(spec));
        for (String phrase : phrases) {
            assertTrue(refused.getMessage(), refused.getMessage().contains(phrase));
        }
    }

    @Test
    public void secretsWithTheSameValueAreEqualWithoutShowingIt() {
        assertEquals(Secret.of(KEY), Secret.of(KEY));
        assertEquals(Secret.of(KEY).hashCode(), Secret.of(KEY).hashCode());
        assertFalse(Secret.of(KEY).equals(Secret.of(KEY + "x")));
        assertFalse(Secret.of(KEY).equals(KEY));
    }

    @Test
    public void aJobDeadlineAloneKeepsTheDefaultPollingIntervals() {
        ElastiCenterConfig config = ElastiCenterConfig.builder(URI.create("https://ec.example"), Secret.of(KEY))
                .jobDeadline(Duration.ofSeconds(30)).build();

        assertEquals(Duration.ofSeconds(30), config.jobDeadline());
        assertEquals(Duration.ofMillis(250), config.jobPollInitial());
        assertEquals(Duration.ofSeconds(5), config.jobPollMax());
        assertThrows(IllegalArgumentException.class, () -> ElastiCenterConfig.builder(URI.create("https://ec.example"),
                Secret.of(KEY)).jobDeadline(Duration.ZERO));
    }
}
