// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import static io.elastisnap.engine.ConsistencyEngineTest.expectFailure;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.elastisnap.engine.ConsistentSnapshotException.Reason;
import io.elastisnap.engine.GuestAgentException.Kind;
import java.time.Duration;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;

/** How the engine uses its thaw guard: armed before, told right before the freeze, ended after; no guard, no freeze. */
public class ThawGuardTest {
    @Rule
    public final EngineFixture f = new EngineFixture();

    @Test
    public void theGuardIsArmedBeforeTheFreezeToldRightBeforeItAndDisarmedAfterTheConfirmedThaw() throws Exception {
        FreezeLimits limits = EngineFixture.fastLimits().build();
        f.engine().snapshot(f.request(1, limits).build());

        Duration told = f.thawGuard.untilDeadline();
        assertTrue("told what is left of the running window, not more: " + told,
                !told.isNegative() && told.compareTo(limits.maxFrozenWindow()) <= 0);

        List<String> events = f.log.events();
        assertEquals(events.toString(), List.of("prepare:vol-0", "guard-arm", "state", "guard-freeze", "freeze"),
                events.subList(events.indexOf("prepare:vol-0"), events.indexOf("freeze") + 1));
        assertTrue("disarmed after the thaw was confirmed: " + events,
                events.lastIndexOf("status:thawed") < events.indexOf("guard-disarm"));
        assertEquals(1, f.log.count("guard-disarm"));
        assertEquals(0, f.log.count("guard-release"));
    }

    @Test
    public void armingFailureUnderRequiredFailsBeforeAnythingIsFrozenOrCreated() throws Exception {
        f.thawGuard.failArming("setsid: not found");

        ConsistentSnapshotException e = expectFailure(f.engine(), f.request(2).build());

        assertEquals(Reason.THAW_GUARD_FAILED, e.reason());
        assertTrue(e.getMessage(), e.getMessage().contains("setsid: not found"));
        assertTrue(e.getMessage(), e.getMessage().contains("nothing was frozen or created"));
        assertEquals(0, f.guest.freezeCalls());
        assertEquals(0, f.log.count("create:"));
        assertTrue(f.journal().list().isEmpty());
    }

    @Test
    public void armingFailureUnderBestEffortTakesCrashConsistentSnapshotsAndSaysWhy() throws Exception {
        f.thawGuard.failArming("setsid: not found");

        ConsistentSnapshotResult result = f.engine().snapshot(f.request(2).policy(ConsistencyPolicy.BEST_EFFORT).build());

        assertEquals(ConsistencyLevel.QUIESCE_FAILED, result.level());
        assertEquals(Reason.THAW_GUARD_FAILED, result.quiesceFailure().get().reason());
        assertTrue(result.quiesceFailure().get().message(), result.quiesceFailure().get().message().contains("setsid: not found"));
        assertEquals(2, result.snapshots().size());
        assertEquals(0, f.guest.freezeCalls());
    }

    @Test
    public void noGuardIsArmedForPolicyOffNorForAPausedDomain() throws Exception {
        f.engine().snapshot(f.request(1).policy(ConsistencyPolicy.OFF).build());
        f.guest.runStates(DomainRunState.PAUSED);
        f.engine().snapshot(f.request(1).build());

        assertEquals(0, f.log.count("guard-arm"));
    }

    @Test
    public void aDomainPausedAfterTheGuardWasArmedIsNotFrozenAndTheGuardStandsDown() throws Exception {
        f.guest.runStates(DomainRunState.RUNNING, DomainRunState.PAUSED);

        ConsistentSnapshotResult result = f.engine().snapshot(f.request(1).build());

        assertEquals(ConsistencyLevel.CRASH_CONSISTENT, result.level());
        assertEquals(0, f.guest.freezeCalls());
        assertEquals(List.of("guard-arm", "guard-disarm"), guardEvents());
    }

    @Test
    public void aGuardGoneBeforeTheFreezeMeansNoFreeze() throws Exception {
        f.thawGuard.dieBeforeFreeze("the guard process is no longer running");

        ConsistentSnapshotException e = expectFailure(f.engine(), f.request(1).build());

        assertEquals(Reason.THAW_GUARD_FAILED, e.reason());
        assertTrue(e.getMessage(), e.getMessage().contains("was gone before the freeze"));
        assertEquals(0, f.guest.freezeCalls());
        assertEquals(0, f.log.count("create:"));
        assertTrue("the entry of a freeze that did not happen is gone", f.journal().list().isEmpty());
    }

    @Test
    public void aThawThatCannotBeConfirmedLeavesTheGuardToKeepTryingOnItsOwn() throws Exception {
        f.guest.failThawAlways(new GuestAgentException(Kind.TIMEOUT, "Guest agent is not responding"));
        FreezeLimits limits = EngineFixture.fastLimits().thawTimeout(Duration.ofMillis(100))
                .thawRetryFor(Duration.ofMillis(300)).build();
        ConsistencyEngine engine = f.engine();

        ConsistentSnapshotException e = expectFailure(engine, f.request(1, limits).build());
        assertTrue(engine.awaitIdle(Duration.ofSeconds(10)));

        assertEquals(Reason.THAW_FAILED, e.reason());
        assertEquals(List.of("guard-arm", "guard-freeze", "guard-release"), guardEvents());
    }

    @Test
    public void aFreezeRefusedBecauseSomeoneElseFrozeTheGuestStandsTheGuardDownWithoutAThaw() throws Exception {
        f.guest.failFreeze(new GuestAgentException(Kind.AGENT_FROZEN,
                "Command guest-fsfreeze-freeze has been disabled: the agent is in frozen state"));

        ConsistentSnapshotException e = expectFailure(f.engine(), f.request(1).build());

        assertEquals(Reason.ALREADY_FROZEN, e.reason());
        assertEquals(List.of("guard-arm", "guard-freeze", "guard-disarm"), guardEvents());
    }

    @Test
    public void aDomainPausedWhileFrozenSaysSoInTheResult() throws Exception {
        f.guest.resumeAfterRefusals(2);
        ConsistencyEngine engine = f.engine(new ConsistencyEngineListener() {
            @Override
            public void onFrozen(String domainName) {
                f.guest.pause();
            }
        });

        ConsistentSnapshotResult result = engine.snapshot(f.request(1).build());

        assertTrue(result.pausedWhileFrozen());
        assertTrue(result.warnings().toString(), result.warnings().stream()
                .anyMatch(w -> w.contains("was paused while its file systems were frozen: the guest stayed frozen for the whole pause")));
        assertFalse(f.guest.isFrozen());
    }

    @Test
    public void aDomainNeverPausedIsNotReportedPaused() throws Exception {
        assertFalse(f.engine().snapshot(f.request(1).build()).pausedWhileFrozen());
    }

    private List<String> guardEvents() {
        return f.log.events().stream().filter(e -> e.startsWith("guard-")).collect(java.util.stream.Collectors.toList());
    }
}
