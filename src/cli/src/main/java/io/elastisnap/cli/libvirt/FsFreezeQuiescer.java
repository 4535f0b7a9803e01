// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.libvirt;

import io.elastisnap.engine.AgentCapabilities;
import io.elastisnap.engine.DomainRunState;
import io.elastisnap.engine.FreezeStatus;
import io.elastisnap.engine.GuestAgentException;
import io.elastisnap.engine.GuestQuiescer;
import io.elastisnap.engine.libvirt.LibvirtErrors;
import io.elastisnap.engine.libvirt.LibvirtStates;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * A {@link GuestQuiescer} over libvirt's file-system freeze API (virDomainFSFreeze / FSThaw / GetFSInfo) instead of
 * raw guest-agent commands. The CLI uses it for test:// URIs: libvirt's test driver implements these calls but not
 * qemuAgentCommand. libvirt has no freeze-status call, so {@link #freezeStatus} reports what this process froze and
 * has not yet thawed; that is exact for the test driver, whose state lives in this process's connection.
 * The calls block inside libvirt; the engine bounds its wait for them (test-driver calls return at once).
 */
public final class FsFreezeQuiescer implements GuestQuiescer {
    /** Reported as the "agent version" so operators can see which path froze their guest. */
    public static final String VERSION = "libvirt virDomainFSFreeze API";
    private static final Set<String> COMMANDS = new HashSet<>(Arrays.asList(
            AgentCapabilities.FREEZE, AgentCapabilities.FREEZE_LIST, AgentCapabilities.THAW, AgentCapabilities.STATUS));

    private final Connect connect;
    private final ConcurrentHashMap<String, Integer> frozenByDomain = new ConcurrentHashMap<>();

    public FsFreezeQuiescer(Connect connect) {
        this.connect = connect;
    }

    /** A call on a looked-up domain; the domain handle is freed afterwards. */
    @FunctionalInterface
    private interface DomainCall<T> {
        T call(Domain domain) throws GuestAgentException, FsFreezeApi.FsFreezeException;
    }

    @Override
    public DomainRunState runState(String domainName, Duration timeout) throws GuestAgentException {
        return withDomain(domainName, false, domain -> state(domainName, domain));
    }

    /** The FS API has no ping; virDomainGetFSInfo is the cheapest call that goes through the guest side. */
    @Override
    public void ping(String domainName, Duration timeout) throws GuestAgentException {
        try {
            withDomain(domainName, true, FsFreezeApi::fsInfo);
        } catch (GuestAgentException e) {
            throw e.kind() == GuestAgentException.Kind.COMMAND_FAILED
                    ? new GuestAgentException(GuestAgentException.Kind.AGENT_NOT_RESPONDING, e.getMessage(), e) : e;
        }
    }

    @Override
    public AgentCapabilities capabilities(String domainName, Duration timeout) throws GuestAgentException {
        return withDomain(domainName, true, domain -> new AgentCapabilities(VERSION, COMMANDS));
    }

    @Override
    public FreezeStatus freezeStatus(String domainName, Duration timeout) throws GuestAgentException {
        return withDomain(domainName, true, domain ->
                frozenByDomain.getOrDefault(domainName, 0) > 0 ? FreezeStatus.FROZEN : FreezeStatus.THAWED);
    }

    @Override
    public int freeze(String domainName, List<String> mountPoints, Duration timeout) throws GuestAgentException {
        return withDomain(domainName, true, domain -> {
            int frozen = FsFreezeApi.freeze(domain, mountPoints);
            frozenByDomain.merge(domainName, frozen, Integer::sum);
            return frozen;
        });
    }

    @Override
    public int thaw(String domainName, Duration timeout) throws GuestAgentException {
        return withDomain(domainName, true, domain -> {
            int thawed = FsFreezeApi.thaw(domain);
            frozenByDomain.remove(domainName);
            return thawed;
        });
    }

    private <T> T withDomain(String domainName, boolean mustRun, DomainCall<T> call) throws GuestAgentException {
        Domain domain;
        try {
            domain = connect.domainLookupByName(domainName);
        } catch (LibvirtException e) {
            throw LibvirtErrors.classify(e, "virDomainLookupByName(" + domainName + ")");
        }
        try {
            if (mustRun) {
                DomainRunState state = state(domainName, domain);
                if (state != DomainRunState.RUNNING && state != DomainRunState.PAUSED) {
                    throw new GuestAgentException(GuestAgentException.Kind.DOMAIN_NOT_RUNNING,
                            "domain " + domainName + " is not running (" + state.name().toLowerCase(Locale.ROOT) + ")");
                }
            }
            return call.call(domain);
        } catch (FsFreezeApi.FsFreezeException e) {
            throw new GuestAgentException(kindOf(e.getMessage()), e.getMessage(), e);
        } finally {
            try {
                domain.free();
            } catch (LibvirtException ignored) {
                // freeing a handle cannot fail in a way the caller could act on
            }
        }
    }

    private static DomainRunState state(String domainName, Domain domain) throws GuestAgentException {
        try {
            return LibvirtStates.runState(domain.getInfo().state);
        } catch (LibvirtException e) {
            throw LibvirtErrors.classify(e, "virDomainGetInfo(" + domainName + ")");
        } catch (ArrayIndexOutOfBoundsException e) {
            // libvirt-java 0.5.x cannot map states beyond CRASHED (e.g. pmsuspended)
            return DomainRunState.UNKNOWN;
        }
    }


    /** libvirt reports these through its message only (the JNA calls return -1). */
    private static GuestAgentException.Kind kindOf(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (m.contains("not running")) {
            return GuestAgentException.Kind.DOMAIN_NOT_RUNNING;
        }
        if (m.contains("not supported") || m.contains("unsupported")) {
            return GuestAgentException.Kind.COMMAND_UNSUPPORTED;
        }
        if (m.contains("agent is not configured")) {
            return GuestAgentException.Kind.AGENT_NOT_CONFIGURED;
        }
        if (m.contains("not responding") || m.contains("not connected")) {
            return GuestAgentException.Kind.AGENT_NOT_RESPONDING;
        }
        if (m.contains("frozen state")) {
            return GuestAgentException.Kind.AGENT_FROZEN;
        }
        return GuestAgentException.Kind.COMMAND_FAILED;
    }

}
