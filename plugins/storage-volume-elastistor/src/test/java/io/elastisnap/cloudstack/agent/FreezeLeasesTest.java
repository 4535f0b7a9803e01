// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.elastisnap.cloudstack.command.FreezeLeaseAnswer;
import io.elastisnap.cloudstack.command.FreezeLeaseCommand;
import io.elastisnap.cloudstack.elasticenter.ElastiCenterClients;
import io.elastisnap.cloudstack.testsupport.ScriptedGuest;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.journal.FreezeJournal;

/** Freeze leases through the agent runner on the real engine (journal, watchdog, confirmed thaw), with a scripted guest. */
public class FreezeLeasesTest {
    private static final String DOMAIN = "i-2-10-VM";

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private ScriptedGuest guest;
    private ElastiCenterClients clients;
    private FreezeJournal journal;
    private EngineSnapshotRunner runner;

    @Before
    public void setUp() throws Exception {
        guest = new ScriptedGuest();
        clients = new ElastiCenterClients();
        journal = new FreezeJournal(temp.newFolder("journal").toPath());
        runner = new EngineSnapshotRunner(guest, journal, clients);
    }

    @After
    public void tearDown() {
        clients.close();
    }

    private static FreezeLimits lease(Duration duration) {
        return FreezeLimits.builder().maxFrozenWindow(duration).freezeTimeout(Duration.ofMillis(500)).thawTimeout(Duration.ofSeconds(1))
                .build();
    }

    private FreezeLeaseAnswer run(FreezeLeaseCommand command) {
        return runner.lease(command, null);
    }

    @Test
    public void aLeaseFreezesUntilReleasedAndTheReleaseSaysHowLong() throws Exception {
        FreezeLeaseAnswer acquired = run(FreezeLeaseCommand.acquire(DOMAIN, "lease-1", lease(Duration.ofSeconds(20))));

        assertTrue(acquired.getDetails(), acquired.getResult());
        assertEquals(FreezeLeaseAnswer.State.FROZEN, acquired.getState());
        assertTrue(guest.isFrozen());
        assertEquals("the freeze is journaled while the lease holds", 1, journal.list().size());
        assertTrue(acquired.getExpiresAtEpochMillis() - acquired.getFrozenAtEpochMillis() <= 20_000);
        Thread.sleep(300);

        FreezeLeaseAnswer released = run(FreezeLeaseCommand.release(DOMAIN, "lease-1"));

        assertTrue(released.getDetails(), released.getResult());
        assertEquals(FreezeLeaseAnswer.State.THAWED, released.getState());
        assertEquals("RELEASE", released.getEndedBy());
        assertTrue(released.getFrozenWindowMillis() >= 300 && released.getFrozenWindowMillis() < 20_000);
        assertFalse(guest.isFrozen());
        assertTrue(journal.list().isEmpty());
    }

    @Test
    public void anUnreleasedLeaseIsThawedAtItsEndAndALateReleaseSaysItExpired() throws Exception {
        long start = System.nanoTime();
        assertTrue(run(FreezeLeaseCommand.acquire(DOMAIN, "lease-2", lease(Duration.ofSeconds(2)))).getResult());
        while (guest.isFrozen() && System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
            Thread.sleep(20);
        }
        long thawedAfterMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertFalse("thawed without any release", guest.isFrozen());
        assertTrue("thawed at the lease's end, not before: " + thawedAfterMillis, thawedAfterMillis >= 1_900 && thawedAfterMillis < 4_000);

        FreezeLeaseAnswer late = run(FreezeLeaseCommand.release(DOMAIN, "lease-2"));
        assertEquals(FreezeLeaseAnswer.State.THAWED, late.getState());
        assertEquals("EXPIRY", late.getEndedBy());
        assertTrue(late.getFrozenWindowMillis() <= 2_000);
    }

    @Test
    public void aGuestThatCannotBeFrozenGetsNoLeaseAndTheReasonIsNamed() {
        guest.failFreezes();
        FreezeLeaseAnswer answer = run(FreezeLeaseCommand.acquire(DOMAIN, "lease-3", lease(Duration.ofSeconds(5))));
        assertFalse(answer.getResult());
        assertEquals("FREEZE_FAILED", answer.getFailureReason());
        assertTrue(answer.getDetails(), answer.getDetails().contains("Permission denied"));
        assertFalse(guest.isFrozen());
    }

    @Test
    public void aLeasedDomainTakesNoSecondLeaseAndAnUnknownLeaseCannotBeReleased() {
        assertTrue(run(FreezeLeaseCommand.acquire(DOMAIN, "lease-4", lease(Duration.ofSeconds(20)))).getResult());
        FreezeLeaseAnswer second = run(FreezeLeaseCommand.acquire(DOMAIN, "lease-5", lease(Duration.ofSeconds(20))));
        assertFalse(second.getResult());
        assertEquals("DOMAIN_BUSY", second.getFailureReason());

        FreezeLeaseAnswer unknown = run(FreezeLeaseCommand.release(DOMAIN, "no-such-lease"));
        assertFalse(unknown.getResult());
        assertEquals("NO_SUCH_LEASE", unknown.getFailureReason());
        assertTrue(guest.isFrozen());
        assertEquals(FreezeLeaseAnswer.State.THAWED, run(FreezeLeaseCommand.release(DOMAIN, "lease-4")).getState());
        assertFalse(guest.isFrozen());
    }

    @Test
    public void limitsThatContradictEachOtherAreRefusedBeforeAnyFreeze() {
        FreezeLimits contradicting = FreezeLimits.builder().maxFrozenWindow(Duration.ofSeconds(1)).freezeTimeout(Duration.ofSeconds(3)).build();
        FreezeLeaseAnswer answer = run(FreezeLeaseCommand.acquire(DOMAIN, "lease-6", contradicting));
        assertFalse(answer.getResult());
        assertEquals("INVALID_REQUEST", answer.getFailureReason());
        assertTrue(guest.calls.isEmpty());
    }
}
