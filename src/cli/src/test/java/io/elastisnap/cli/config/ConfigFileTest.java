// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.config;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.FreezeLimits.Setting;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;

public class ConfigFileTest {

    @Test
    public void parsesGlobalsDomainsDisksPoliciesAndLimits() {
        ConfigFile c = ConfigFile.parse(String.join("\n",
                "# endpoint",
                "elasticenter.url = https://ec.example:8443   # trailing comment",
                "elasticenter.api-key-file = /etc/elastisnap/api-key",
                "elasticenter.pin-sha256 = ab:cd",
                "policy = best-effort",
                "mount-points = /, /data",
                "limits.max-frozen-window = 5s",
                "limits.thaw-retry-for = 2m",
                "domain.i-2-10-VM.disk.vda = 8d7e-1",
                "domain.i-2-10-VM.disk.vdb = 8d7e-2",
                "domain.i-2-10-VM.policy = REQUIRED",
                "domain.i-2-10-VM.limits.freeze-timeout = 500ms",
                "domain.web.01.disk.sda = vol-3"), "test.conf");

        assertEquals("https://ec.example:8443", c.get("elasticenter.url"));
        assertEquals(ConsistencyPolicy.BEST_EFFORT, c.policy());
        assertEquals(List.of("/", "/data"), c.mountPoints());
        assertEquals(Optional.of(Duration.ofSeconds(5)), c.limits().given(Setting.MAX_FROZEN_WINDOW));
        assertEquals(Optional.of(Duration.ofMinutes(2)), c.limits().given(Setting.THAW_RETRY_FOR));
        assertEquals("not given, so derived from the window", Optional.empty(), c.limits().given(Setting.FREEZE_TIMEOUT));
        DomainConfig vm = c.domains().get("i-2-10-VM");
        assertEquals(Map.of("vda", "8d7e-1", "vdb", "8d7e-2"), vm.volumeIdByDisk());
        assertEquals(ConsistencyPolicy.REQUIRED, vm.policy());
        assertEquals(FreezeLimits.builder().freezeTimeout(Duration.ofMillis(500)).build(), vm.limits());
        assertNull(vm.mountPoints());
        assertEquals("domain names may contain dots", Map.of("sda", "vol-3"), c.domains().get("web.01").volumeIdByDisk());
        assertEquals(List.of("8d7e-1", "8d7e-2", "vol-3"), c.allVolumeIds());
    }

    @Test
    public void unknownKeyNamesTheLineAndSuggestsTheRightKey() {
        CliException e = assertThrows(CliException.class,
                () -> ConfigFile.parse("policy = off\nelasticenter.uri = https://x\n", "/etc/elastisnap/elastisnap.conf"));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage(), e.getMessage().contains("/etc/elastisnap/elastisnap.conf line 2"));
        assertTrue(e.getMessage(), e.getMessage().contains("did you mean 'elasticenter.url'"));
    }

    @Test
    public void lineWithoutEqualsSignIsRejected() {
        CliException e = assertThrows(CliException.class, () -> ConfigFile.parse("elasticenter.url https://x", "c"));
        assertTrue(e.getMessage(), e.getMessage().contains("line 1: expected 'key = value'"));
    }

    @Test
    public void badValuesAreRejectedWithTheAcceptedForms() {
        assertTrue(message("limits.max-frozen-window = soon").contains("not a duration (use e.g. 500ms, 8s"));
        assertTrue(message("policy = always").contains("not a consistency policy (use required, best-effort or off)"));
        assertTrue(message("limits.freeze-time = 1s").contains("unknown limit 'freeze-time'"));
        assertTrue(message("elasticenter.insecure = maybe").contains("'maybe' is not true or false"));
        assertTrue(message("mount-points = data").contains("must be an absolute guest path"));
        assertTrue(message("domain.vm.disk.vda = has space").contains("is not an ElastiStor volume id"));
        assertTrue(message("policy = off\npolicy = required").contains("line 2: key 'policy': set twice"));
        assertTrue(message("domain.vm.disk.vda = a\ndomain.vm.disk.vda = b").contains("mapped twice"));
    }

    @Test
    public void durationsAcceptShortAndIsoForms() {
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
        assertEquals(Duration.ofHours(2), Durations.parse(" 2h "));
        assertEquals(Duration.ofSeconds(8), Durations.parse("PT8S"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("-5s"));
    }

    private static String message(String text) {
        return assertThrows(CliException.class, () -> ConfigFile.parse(text, "c")).getMessage();
    }
}
