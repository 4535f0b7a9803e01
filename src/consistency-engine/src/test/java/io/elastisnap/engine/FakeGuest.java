// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import io.elastisnap.engine.GuestAgentException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A guest with a QEMU guest agent, as the engine sees it through {@link GuestQuiescer}. Behaves like qemu-ga 7.2:
 * freezing a frozen guest is refused, thaw is idempotent, a freeze that blocks can still take effect later.
 */
public final class FakeGuest implements GuestQuiescer {
    public static final Set<String> ALL_COMMANDS = new HashSet<>(Arrays.asList(AgentCapabilities.FREEZE,
            AgentCapabilities.FREEZE_LIST, AgentCapabilities.THAW, AgentCapabilities.STATUS, AgentCapabilities.FSINFO, "guest-ping",
            "guest-info"));
    private static final long GATE_LIMIT_SECONDS = 30;

    private final EventLog log;
    private boolean frozen;
    private final List<DomainRunState> runStates = new ArrayList<>();
    private volatile Set<String> enabledCommands = ALL_COMMANDS;
    private volatile GuestAgentException runStateFailure;
    private volatile GuestAgentException pingFailure;
    private volatile GuestAgentException freezeFailure;
    private volatile GuestAgentException statusFailure;
    private volatile GuestAgentException thawFailure;
    private final AtomicInteger thawFailuresLeft = new AtomicInteger();
    private volatile CountDownLatch freezeGate;
    private volatile boolean freezeTakesEffect = true;
    private volatile boolean paused;
    private final AtomicInteger refusalsUntilResume = new AtomicInteger(-1);
    private volatile Consumer<String> onFreeze = domain -> { };
    private volatile List<String> lastMountPoints;
    private final CountDownLatch thawedAfterFreeze = new CountDownLatch(1);
    private final AtomicInteger freezeCalls = new AtomicInteger();
    private final AtomicInteger thawCalls = new AtomicInteger();
    private final AtomicInteger agentCalls = new AtomicInteger();
    private volatile List<DomainDisk> disks;
    private volatile List<GuestFileSystem> fileSystems;
    private volatile int fileSystemsLostBeforeFreeze;

    public FakeGuest(EventLog log) {
        this.log = log;
        runStates.add(DomainRunState.RUNNING);
    }

    // ------------------------------------------------------------ set-up

    /** Run states returned by successive lookups; the last one repeats. */
    public synchronized FakeGuest runStates(DomainRunState... states) {
        runStates.clear();
        runStates.addAll(Arrays.asList(states));
        return this;
    }

    public synchronized FakeGuest frozen(boolean value) {
        frozen = value;
        return this;
    }

    public FakeGuest enabledCommands(Set<String> commands) {
        enabledCommands = commands;
        return this;
    }

    public FakeGuest failRunState(GuestAgentException e) {
        runStateFailure = e;
        return this;
    }

    public FakeGuest failPing(GuestAgentException e) {
        pingFailure = e;
        return this;
    }

    public FakeGuest failFreeze(GuestAgentException e) {
        freezeFailure = e;
        return this;
    }

    public FakeGuest failStatus(GuestAgentException e) {
        statusFailure = e;
        return this;
    }

    public FakeGuest failThawAlways(GuestAgentException e) {
        thawFailure = e;
        return this;
    }

    /** Like virsh suspend: libvirt refuses agent commands, the frozen file systems stay frozen. */
    public FakeGuest pause() {
        paused = true;
        log.add("paused");
        return this;
    }

    /** Resumes by itself once libvirt has refused {@code refusals} agent commands because it was paused. */
    public FakeGuest resumeAfterRefusals(int refusals) {
        refusalsUntilResume.set(refusals);
        return this;
    }

    public FakeGuest resume() {
        paused = false;
        log.add("resumed");
        return this;
    }

    public FakeGuest failThawTimes(int times) {
        thawFailuresLeft.set(times);
        return this;
    }

    /** The freeze call blocks until the gate opens (like a hung qemu-ga), then freezes if {@code takesEffect}. */
    public FakeGuest blockFreezeUntil(CountDownLatch gate, boolean takesEffect) {
        freezeGate = gate;
        freezeTakesEffect = takesEffect;
        return this;
    }

    /** The freeze call returns success without freezing anything (e.g. no matching mount point). */
    public FakeGuest freezeHasNoEffect() {
        freezeTakesEffect = false;
        return this;
    }

    /** Runs inside the freeze call, before the guest freezes (e.g. to look at the journal). */
    public FakeGuest onFreeze(Consumer<String> action) {
        onFreeze = action;
        return this;
    }

    /** The domain's disks, as its definition lists them; not set: the quiescer cannot read them (whole-guest freeze). */
    public FakeGuest disks(DomainDisk... value) {
        disks = Arrays.asList(value);
        return this;
    }

    /** What guest-get-fsinfo answers; not set: the command is unsupported. */
    public FakeGuest fileSystems(GuestFileSystem... value) {
        fileSystems = Arrays.asList(value);
        return this;
    }

    /** A freeze-list freezes this many fewer file systems than named (unmounted between fsinfo and the freeze). */
    public FakeGuest loseFileSystemsBeforeFreeze(int count) {
        fileSystemsLostBeforeFreeze = count;
        return this;
    }

    // ------------------------------------------------------------ observations

    public synchronized boolean isFrozen() {
        return frozen;
    }

    public int freezeCalls() {
        return freezeCalls.get();
    }

    public int thawCalls() {
        return thawCalls.get();
    }

    /** Agent commands received (ping, info, status, freeze, thaw); the state lookup is not an agent command. */
    public int agentCalls() {
        return agentCalls.get();
    }

    public List<String> lastMountPoints() {
        return lastMountPoints;
    }

    /** Waits until a thaw unfroze the guest. */
    public boolean awaitThawed(long seconds) throws InterruptedException {
        return thawedAfterFreeze.await(seconds, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------ GuestQuiescer

    @Override
    public synchronized DomainRunState runState(String domainName, Duration timeout) throws GuestAgentException {
        log.add("state");
        if (runStateFailure != null) {
            throw runStateFailure;
        }
        return runStates.size() > 1 ? runStates.remove(0) : runStates.get(0);
    }

    @Override
    public void ping(String domainName, Duration timeout) throws GuestAgentException {
        agentCalls.incrementAndGet();
        log.add("ping");
        if (pingFailure != null) {
            throw pingFailure;
        }
    }

    @Override
    public synchronized AgentCapabilities capabilities(String domainName, Duration timeout) {
        agentCalls.incrementAndGet();
        log.add("info");
        Set<String> enabled = new HashSet<>(enabledCommands);
        if (frozen) {
            // As qemu-ga does: while frozen only the allow-listed commands stay enabled.
            enabled.remove(AgentCapabilities.FREEZE);
            enabled.remove(AgentCapabilities.FREEZE_LIST);
        }
        return new AgentCapabilities("7.2.22", enabled);
    }

    @Override
    public synchronized FreezeStatus freezeStatus(String domainName, Duration timeout) throws GuestAgentException {
        agentCalls.incrementAndGet();
        log.add("status:" + (frozen ? "frozen" : "thawed"));
        refuseWhilePaused("guest-fsfreeze-status");
        if (statusFailure != null) {
            throw statusFailure;
        }
        return frozen ? FreezeStatus.FROZEN : FreezeStatus.THAWED;
    }

    @Override
    public int freeze(String domainName, List<String> mountPoints, Duration timeout) throws GuestAgentException {
        agentCalls.incrementAndGet();
        freezeCalls.incrementAndGet();
        lastMountPoints = new ArrayList<>(mountPoints);
        log.add("freeze" + (mountPoints.isEmpty() ? "" : ":" + String.join(",", mountPoints)));
        onFreeze.accept(domainName);
        CountDownLatch gate = freezeGate;
        if (gate != null) {
            awaitIgnoringInterrupts(gate);
        }
        if (freezeFailure != null) {
            throw freezeFailure;
        }
        synchronized (this) {
            if (frozen) {
                throw new GuestAgentException(Kind.AGENT_FROZEN,
                        "Command guest-fsfreeze-freeze has been disabled: the agent is in frozen state");
            }
            if (freezeTakesEffect) {
                frozen = true;
                log.add("frozen");
                return mountPoints.isEmpty() ? 2 : mountPoints.size() - fileSystemsLostBeforeFreeze;
            }
            return 0;
        }
    }

    @Override
    public List<DomainDisk> disks(String domainName, Duration timeout) throws GuestAgentException {
        log.add("disks");
        if (disks == null) {
            return GuestQuiescer.super.disks(domainName, timeout);
        }
        return disks;
    }

    @Override
    public List<GuestFileSystem> fileSystems(String domainName, Duration timeout) throws GuestAgentException {
        agentCalls.incrementAndGet();
        log.add("fsinfo");
        if (fileSystems == null) {
            return GuestQuiescer.super.fileSystems(domainName, timeout);
        }
        return fileSystems;
    }

    @Override
    public int thaw(String domainName, Duration timeout) throws GuestAgentException {
        agentCalls.incrementAndGet();
        thawCalls.incrementAndGet();
        log.add("thaw");
        refuseWhilePaused("guest-fsfreeze-thaw");
        if (thawFailure != null) {
            throw thawFailure;
        }
        if (thawFailuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            throw new GuestAgentException(Kind.TIMEOUT, "Guest agent is not responding: Guest agent not available for now");
        }
        synchronized (this) {
            boolean wasFrozen = frozen;
            frozen = false;
            if (wasFrozen) {
                log.add("thawed");
                thawedAfterFreeze.countDown();
            }
            return wasFrozen ? 2 : 0;
        }
    }

    private void refuseWhilePaused(String command) throws GuestAgentException {
        if (paused) {
            if (refusalsUntilResume.getAndDecrement() == 1) {
                resume();
            }
            throw new GuestAgentException(Kind.DOMAIN_PAUSED, command + " refused: domain is paused");
        }
    }

    /** Like a native call: an interrupt does not end the wait. Bounded so a broken test cannot hang the build. */
    static void awaitIgnoringInterrupts(CountDownLatch gate) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GATE_LIMIT_SECONDS);
        boolean interrupted = false;
        while (true) {
            try {
                if (gate.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break;
                }
                throw new AssertionError("test gate was never opened");
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
