// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import io.elastisnap.engine.AgentCapabilities;
import io.elastisnap.engine.DomainRunState;
import io.elastisnap.engine.FreezeStatus;
import io.elastisnap.engine.GuestAgentException;
import io.elastisnap.engine.GuestAgentException.Kind;
import io.elastisnap.engine.GuestQuiescer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fake guests (one per domain name) behind a fault-injecting {@link GuestQuiescer}, for the libvirt test driver's
 * missing agent. Each guest knows, from its own side, whether it is frozen and since when, so the frozen window is
 * measured independently of the engine's own timings. Faults model what qemu-ga and libvirt do: a hung agent answers
 * nothing until its hang ends (the engine abandons the call; a late freeze still takes effect), agent commands to a
 * paused domain are refused as DOMAIN_PAUSED, as the libvirt quiescer reports libvirt's "domain is not running" for a
 * paused domain (the freeze stays in effect and holds on after resume),
 * a frozen qemu-ga lists the freeze commands as disabled, a shut-off domain loses its freeze with its memory.
 */
final class FaultyGuest implements GuestQuiescer {
    /** Guest-side faults, chosen per operation by the schedule. */
    enum Fault {
        NONE, AGENT_NOT_RUNNING, AGENT_HANG, FREEZE_HANGS_THEN_APPLIES, FREEZE_ERROR, THAW_FAILS_TWICE,
        PAUSED_MID_OPERATION, SHUT_OFF_MID_OPERATION, PAUSED_BEFORE, SHUT_OFF_BEFORE, FROZEN_BY_SOMEONE_ELSE
    }

    private static final Set<String> COMMANDS = Set.of(AgentCapabilities.FREEZE, AgentCapabilities.FREEZE_LIST,
            AgentCapabilities.THAW, AgentCapabilities.STATUS, "guest-ping", "guest-info");

    /** One guest's state; all access under its monitor. */
    private static final class Guest {
        DomainRunState state = DomainRunState.RUNNING;
        boolean frozen;
        long frozenSinceNanos;
        boolean frozenBySomeoneElse;
        long pausedUntilNanos;
        long hangUntilNanos;
        long lateFreezeMillis;
        int thawFailuresLeft;
        boolean agentRunning = true;
        boolean freezeError;
        Runnable afterFreeze = () -> { };
    }

    private final Map<String, Guest> guests = new ConcurrentHashMap<>();
    private final Duration maxAllowedWindow;
    private volatile long longestWindowNanos;
    private volatile String longestWindowDomain = "";

    FaultyGuest(Duration maxAllowedWindow) {
        this.maxAllowedWindow = maxAllowedWindow;
    }

    private Guest guest(String domain) throws GuestAgentException {
        Guest g = guests.get(domain);
        if (g == null) {
            throw new GuestAgentException(Kind.DOMAIN_NOT_FOUND, "no domain " + domain);
        }
        return g;
    }

    void define(String domain) {
        guests.putIfAbsent(domain, new Guest());
    }

    /** Arms {@code fault} for the next operation on {@code domain}; {@code millis} sizes hangs and pauses. */
    void arm(String domain, Fault fault, long millis) {
        Guest g = guests.get(domain);
        synchronized (g) {
            switch (fault) {
                case AGENT_NOT_RUNNING: g.agentRunning = false; break;
                case AGENT_HANG: g.hangUntilNanos = System.nanoTime() + millis * 1_000_000; break;
                case FREEZE_HANGS_THEN_APPLIES: g.lateFreezeMillis = millis; break;
                case FREEZE_ERROR: g.freezeError = true; break;
                case THAW_FAILS_TWICE: g.thawFailuresLeft = 2; break;
                case PAUSED_MID_OPERATION: g.afterFreeze = () -> pause(g, millis); break;
                case SHUT_OFF_MID_OPERATION: g.afterFreeze = () -> shutOff(domain, g); break;
                case PAUSED_BEFORE: pause(g, millis); break;
                case SHUT_OFF_BEFORE: shutOff(domain, g); break;
                case FROZEN_BY_SOMEONE_ELSE: freezeNow(g); g.frozenBySomeoneElse = true; break;
                default: break;
            }
        }
    }

    /** Ends every fault: resumes, restarts, thaws what another party froze; the next operation starts clean. */
    void heal(String domain) {
        Guest g = guests.get(domain);
        synchronized (g) {
            if (g.frozen && g.frozenBySomeoneElse) {
                g.frozen = false;
            } else if (g.frozen) {
                thawNow(domain, g);
            }
            g.frozenBySomeoneElse = false;
            g.state = DomainRunState.RUNNING;
            g.pausedUntilNanos = 0;
            g.thawFailuresLeft = 0;
            g.hangUntilNanos = 0;
            g.lateFreezeMillis = 0;
            g.agentRunning = true;
            g.freezeError = false;
            g.afterFreeze = () -> { };
        }
    }

    /** Frozen by the code under test (a freeze armed as someone else's does not count). */
    boolean isFrozenByUs(String domain) {
        Guest g = guests.get(domain);
        synchronized (g) {
            return g.frozen && !g.frozenBySomeoneElse;
        }
    }

    Duration longestWindow() {
        return Duration.ofNanos(longestWindowNanos);
    }

    String longestWindowDomain() {
        return longestWindowDomain;
    }

    private static void pause(Guest g, long millis) {
        g.state = DomainRunState.PAUSED;
        g.pausedUntilNanos = System.nanoTime() + millis * 1_000_000;
    }

    private void shutOff(String domain, Guest g) {
        g.state = DomainRunState.SHUT_OFF;
        if (g.frozen) {
            thawNow(domain, g); // a destroyed guest loses its freeze with its memory: the window ends here
        }
    }

    private static void freezeNow(Guest g) {
        g.frozen = true;
        g.frozenSinceNanos = System.nanoTime();
    }

    private void thawNow(String domain, Guest g) {
        long window = System.nanoTime() - g.frozenSinceNanos;
        g.frozen = false;
        if (window > longestWindowNanos) {
            longestWindowNanos = window;
            longestWindowDomain = domain;
        }
        if (window > maxAllowedWindow.toNanos()) {
            ChaosReport.count("guest.freezesLongerThanLimitPlus1s");
        }
    }

    /** The agent side of a call: unreachable while paused or shut off, silent while hung. */
    private void agentCall(String domain, Guest g, Duration timeout) throws GuestAgentException {
        long hang;
        synchronized (g) {
            refreshPause(g);
            if (g.state == DomainRunState.SHUT_OFF) {
                throw new GuestAgentException(Kind.DOMAIN_NOT_RUNNING, domain + ": domain is not running");
            }
            if (!g.agentRunning) {
                throw new GuestAgentException(Kind.AGENT_NOT_RESPONDING, domain + ": QEMU guest agent is not connected");
            }
            long until = g.hangUntilNanos;
            hang = (until - System.nanoTime()) / 1_000_000;
            if (g.state == DomainRunState.PAUSED) {
                // libvirt's answer to an agent command for a paused domain, as LibvirtGuestQuiescer reports it
                throw new GuestAgentException(Kind.DOMAIN_PAUSED,
                        domain + ": Requested operation is not valid: domain is not running (domain is paused)");
            }
        }
        if (hang > 0) {
            sleep(Math.min(hang, timeout.toMillis() + 50));
            if (hang > timeout.toMillis()) {
                throw new GuestAgentException(Kind.TIMEOUT, domain + ": Guest agent not available for now");
            }
        }
    }

    private static void refreshPause(Guest g) {
        if (g.state == DomainRunState.PAUSED && g.pausedUntilNanos != 0 && System.nanoTime() >= g.pausedUntilNanos) {
            g.state = DomainRunState.RUNNING;
            g.pausedUntilNanos = 0;
        }
    }

    @Override
    public DomainRunState runState(String domainName, Duration timeout) throws GuestAgentException {
        Guest g = guest(domainName);
        synchronized (g) {
            refreshPause(g);
            return g.state;
        }
    }

    @Override
    public void ping(String domainName, Duration timeout) throws GuestAgentException {
        Guest g = guest(domainName);
        agentCall(domainName, g, timeout);
    }

    @Override
    public AgentCapabilities capabilities(String domainName, Duration timeout) throws GuestAgentException {
        Guest g = guest(domainName);
        agentCall(domainName, g, timeout);
        synchronized (g) {
            // qemu-ga disables every command but thaw/status (and a few harmless ones) while frozen
            return new AgentCapabilities("chaos-fake-1.0", g.frozen ? Set.of(AgentCapabilities.THAW, AgentCapabilities.STATUS,
                    "guest-ping", "guest-info") : COMMANDS);
        }
    }

    @Override
    public FreezeStatus freezeStatus(String domainName, Duration timeout) throws GuestAgentException {
        Guest g = guest(domainName);
        agentCall(domainName, g, timeout);
        synchronized (g) {
            return g.frozen ? FreezeStatus.FROZEN : FreezeStatus.THAWED;
        }
    }

    @Override
    public int freeze(String domainName, List<String> mountPoints, Duration timeout) throws GuestAgentException {
        Guest g = guest(domainName);
        long lateBy;
        synchronized (g) {
            lateBy = g.lateFreezeMillis;
            g.lateFreezeMillis = 0;
        }
        if (lateBy > 0) {
            // qemu-ga queued the freeze: the caller times out, the guest freezes later anyway
            sleep(lateBy);
            synchronized (g) {
                if (g.state == DomainRunState.RUNNING && !g.frozen) {
                    freezeNow(g);
                    ChaosReport.count("guest.lateFreezesApplied");
                }
            }
            throw new GuestAgentException(Kind.TIMEOUT, domainName + ": Guest agent not available for now");
        }
        agentCall(domainName, g, timeout);
        Runnable after;
        synchronized (g) {
            if (g.freezeError) {
                throw new GuestAgentException(Kind.COMMAND_FAILED, domainName + ": guest-fsfreeze-freeze failed: "
                        + "failed to freeze /data: Device or resource busy");
            }
            if (g.frozen) {
                throw new GuestAgentException(Kind.AGENT_FROZEN, domainName
                        + ": Command guest-fsfreeze-freeze has been disabled: the agent is in frozen state");
            }
            freezeNow(g);
            after = g.afterFreeze;
            g.afterFreeze = () -> { };
        }
        synchronized (g) {
            after.run();
        }
        return 2;
    }

    @Override
    public int thaw(String domainName, Duration timeout) throws GuestAgentException {
        Guest g = guest(domainName);
        agentCall(domainName, g, timeout);
        synchronized (g) {
            if (g.thawFailuresLeft > 0) {
                g.thawFailuresLeft--;
                throw new GuestAgentException(Kind.COMMAND_FAILED, domainName + ": guest-fsfreeze-thaw failed: transient");
            }
            if (!g.frozen) {
                return 0;
            }
            thawNow(domainName, g);
            return 2;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(Math.max(0, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
