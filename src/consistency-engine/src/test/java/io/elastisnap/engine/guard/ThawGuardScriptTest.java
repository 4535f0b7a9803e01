// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.guard;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The guard's protocol, spoken to the shipped script directly (bash, a fake virsh, no JVM wrapper in between). */
public class ThawGuardScriptTest {
    private static final String DOMAIN = "i-2-10-VM";

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private FakeVirsh virsh;
    private Path log;
    private Process guard;
    private OutputStream toGuard;
    private BufferedReader fromGuard;

    @Before
    public void setUp() throws IOException {
        virsh = new FakeVirsh(folder.newFolder("virsh").toPath());
        log = folder.getRoot().toPath().resolve("guard.log");
    }

    @After
    public void tearDown() {
        if (guard != null) {
            guard.destroyForcibly();
        }
    }

    @Test
    public void endOfInputBeforeFreezeLeavesTheGuestAlone() throws Exception {
        start(60_000, 10);

        toGuard.close();

        assertEquals(0, exitCode());
        assertEquals(List.of(), virsh.calls());
        assertEquals("", logText());
    }

    @Test
    public void disarmBeforeFreezeLeavesTheGuestAlone() throws Exception {
        start(60_000, 10);

        send("DISARM");

        assertEquals(0, exitCode());
        assertEquals(List.of(), virsh.calls());
    }

    @Test
    public void aFreezeLineWithoutItsWindowThawsAtOnce() throws Exception {
        start(60_000, 10);

        send("FREEZE soon");

        assertEquals("WATCHING", fromGuard.readLine());
        assertEquals(0, exitCode());
        assertEquals(1, virsh.count("domfsthaw"));
        assertTrue(logText(), logText().contains("why=unexpected-input"));
    }

    @Test
    public void endOfInputAfterFreezeThawsAtOnceAndConfirms() throws Exception {
        start(60_000, 10);
        freeze(60_000);

        toGuard.close();

        assertEquals(0, exitCode());
        assertEquals(List.of("domfsthaw " + DOMAIN,
                "qemu-agent-command " + DOMAIN + " {\"execute\":\"guest-fsfreeze-status\"} --timeout 2"), virsh.calls());
        assertTrue(logText(), logText().contains("session=s-1 event=thawed "));
        assertTrue(logText(), logText().contains("why=orchestrator-gone"));
    }

    @Test
    public void disarmAfterFreezeLeavesTheGuestAlone() throws Exception {
        start(60_000, 10);
        freeze(60_000);

        send("DISARM");

        assertEquals(0, exitCode());
        assertEquals(List.of(), virsh.calls());
        assertEquals("", logText());
    }

    @Test
    public void anyOtherLineAfterFreezeThaws() throws Exception {
        start(60_000, 10);
        freeze(60_000);

        send("HELLO");

        assertEquals(0, exitCode());
        assertEquals(1, virsh.count("domfsthaw"));
        assertTrue(logText(), logText().contains("why=unexpected-input"));
    }

    @Test
    public void noDisarmWithinTheWindowThawsWhileTheOrchestratorStillHoldsThePipe() throws Exception {
        start(60_000, 10);
        freeze(200);

        assertEquals("the guard ended on its own, input still open", 0, exitCode());
        assertEquals(1, virsh.count("domfsthaw"));
        assertTrue(logText(), logText().contains("why=window-ended"));
    }

    @Test
    public void aPausedDomainIsRetriedPastTheRetryPeriodUntilItIsGone() throws Exception {
        // a paused domain refuses agent commands and stays frozen; 1 ms of retry period would allow one attempt only
        virsh.status("error: Requested operation is not valid: domain is not running").states("paused", "paused", "paused", "shut off");
        start(1, 1);
        freeze(60_000);

        toGuard.close();

        assertEquals(0, exitCode());
        assertEquals(4, virsh.count("domfsthaw"));
        assertTrue(logText(), logText().contains("event=gone"));
        assertTrue(logText(), logText().contains("state=shut off"));
    }

    @Test
    public void aDomainThatNoLongerExistsEndsTheGuard() throws Exception {
        virsh.status("error: failed to get domain '" + DOMAIN + "'").states("error: failed to get domain '" + DOMAIN + "'");
        start(60_000, 10);
        freeze(60_000);

        toGuard.close();

        assertEquals(0, exitCode());
        assertEquals(1, virsh.count("domfsthaw"));
        assertTrue(logText(), logText().contains("event=gone"));
    }

    @Test
    public void aGuestThatStaysFrozenIsRetriedForTheRetryPeriodThenGivenUp() throws Exception {
        virsh.status("{\"return\":\"frozen\"}");
        start(300, 10);
        freeze(60_000);

        toGuard.close();

        assertEquals(1, exitCode());
        assertTrue(virsh.count("domfsthaw") >= 1);
        assertTrue(logText(), logText().contains("event=gave-up"));
        assertTrue(logText(), logText().contains("last={\"return\":\"frozen\"}"));
    }

    @Test
    public void beingStoppedAfterFreezeThawsFirst() throws Exception {
        start(60_000, 10);
        freeze(60_000);

        guard.destroy(); // SIGTERM, as systemd stopping the unit sends; WATCHING said it had heard FREEZE

        guard.waitFor(30, TimeUnit.SECONDS);
        assertEquals(1, virsh.count("domfsthaw"));
        assertTrue(logText(), logText().contains("why=stopped"));
    }

    /** Starts the script and waits for ARMED. */
    private void start(long retryMillis, long backoffMillis) throws IOException {
        guard = new ProcessBuilder("bash", "-c", ProcessThawGuard.SCRIPT, GuardLauncher.GUARD_NAME, virsh.program().toString(),
                "test:///fake", DOMAIN, "s-1", "2", Long.toString(retryMillis), Long.toString(backoffMillis),
                Long.toString(backoffMillis * 4))
                .redirectError(log.toFile()).start();
        toGuard = guard.getOutputStream();
        fromGuard = new BufferedReader(new InputStreamReader(guard.getInputStream(), StandardCharsets.US_ASCII));
        assertEquals("ARMED", fromGuard.readLine());
    }

    /** FREEZE with the milliseconds the guard waits for DISARM; it answers WATCHING once it is. */
    private void freeze(long windowMillis) throws IOException {
        send("FREEZE " + windowMillis);
        assertEquals("WATCHING", fromGuard.readLine());
    }

    private void send(String line) throws IOException {
        toGuard.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        toGuard.flush();
    }

    private int exitCode() throws InterruptedException {
        assertTrue("the guard did not end", guard.waitFor(30, TimeUnit.SECONDS));
        return guard.exitValue();
    }

    private String logText() throws IOException {
        return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
    }
}
