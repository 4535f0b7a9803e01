// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/** Command line of the runnable jar: flags and where the API key comes from. */
public class SimulatorMainTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void parsesEveryFlag() {
        SimulatorMain.Options options = SimulatorMain.Options.parse(new String[]{"--port", "9443", "--data-dir", "d",
                "--api-key-file", "k", "--job-duration", "1500", "--snapshot-latency", "20"});
        assertEquals(9443, options.port);
        assertTrue(options.dataDir.isAbsolute() && options.dataDir.endsWith("d"));
        assertTrue(options.apiKeyFile.endsWith("k"));
        assertEquals(Duration.ofMillis(1500), options.jobDuration);
        assertEquals(Duration.ofMillis(20), options.snapshotLatency);
        assertEquals(8443, SimulatorMain.Options.parse(new String[0]).port);
    }

    @Test
    public void badFlagsAreNamed() {
        expectProblem("unknown option --nope", "--nope", "1");
        expectProblem("missing value after --port", "--port");
        expectProblem("--port expects a whole number, got 'x'", "--port", "x");
        expectProblem("--job-duration must not be negative: -1", "--job-duration", "-1");
    }

    @Test
    public void aMissingKeyFileIsCreatedPrivateAndThenReused() throws Exception {
        Path keyFile = temp.getRoot().toPath().resolve("keys/api-key");
        SimulatorMain.Options options = SimulatorMain.Options.parse(new String[]{"--api-key-file", keyFile.toString()});
        SimulatorMain.KeySource generated = SimulatorMain.resolveKey(options);
        assertTrue(generated.value.matches("[A-Za-z0-9_-]{60,}"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        assertFalse("the description names the file, never the key", generated.description.contains(generated.value));
        assertEquals(generated.value, SimulatorMain.resolveKey(options).value);
    }

    @Test
    public void anExistingKeyFileIsReadTrimmed() throws Exception {
        Path keyFile = temp.newFile("key").toPath();
        Files.writeString(keyFile, "  my-key-123\n", StandardCharsets.UTF_8);
        assertEquals("my-key-123", SimulatorMain.resolveKey(
                SimulatorMain.Options.parse(new String[]{"--api-key-file", keyFile.toString()})).value);
    }

    private static void expectProblem(String message, String... args) {
        try {
            SimulatorMain.Options.parse(args);
            fail("expected a problem with " + String.join(" ", args));
        } catch (IllegalArgumentException expected) {
            assertEquals(message, expected.getMessage());
        }
    }
}
