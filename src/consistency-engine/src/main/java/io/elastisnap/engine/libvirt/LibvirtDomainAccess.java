// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.libvirt;

import io.elastisnap.engine.DomainRunState;
import io.elastisnap.engine.GuestAgentException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/** {@link DomainAccess} on libvirt-java: looks the domain up per call and frees it afterwards. */
final class LibvirtDomainAccess implements DomainAccess {
    private static final Logger LOG = LogManager.getLogger(LibvirtDomainAccess.class);
    private static final int NO_FLAGS = 0;

    private final LibvirtConnectionProvider connections;

    LibvirtDomainAccess(LibvirtConnectionProvider connections) {
        this.connections = connections;
    }

    @FunctionalInterface
    private interface DomainCall<T> {
        T call(Domain domain) throws LibvirtException;
    }

    @Override
    public DomainRunState runState(String domainName) throws GuestAgentException {
        return withDomain(domainName, "domain state lookup", domain -> {
            try {
                return LibvirtStates.runState(domain.getInfo().state);
            } catch (ArrayIndexOutOfBoundsException e) {
                // libvirt-java 0.5.x knows no state beyond CRASHED (e.g. PMSUSPENDED) and fails to map it.
                return DomainRunState.UNKNOWN;
            }
        });
    }

    @Override
    public String agentCommand(String domainName, String commandJson, String commandName, int timeoutSeconds)
            throws GuestAgentException {
        return withDomain(domainName, commandName, domain -> domain.qemuAgentCommand(commandJson, timeoutSeconds, NO_FLAGS));
    }

    @Override
    public String domainXml(String domainName) throws GuestAgentException {
        return withDomain(domainName, "domain definition lookup", domain -> domain.getXMLDesc(NO_FLAGS));
    }

    private static boolean isPaused(Domain domain) {
        try {
            return LibvirtStates.runState(domain.getInfo().state) == DomainRunState.PAUSED;
        } catch (LibvirtException | ArrayIndexOutOfBoundsException e) {
            return false;
        }
    }

    private <T> T withDomain(String domainName, String what, DomainCall<T> call) throws GuestAgentException {
        Connect connection;
        try {
            connection = connections.connect();
        } catch (LibvirtException e) {
            throw LibvirtErrors.classify(e, "libvirt connection for " + what);
        } catch (LinkageError e) {
            throw new GuestAgentException(GuestAgentException.Kind.FAILED,
                    "the libvirt client library cannot be loaded (" + e.getMessage() + ")", e);
        }
        Domain domain;
        try {
            domain = connection.domainLookupByName(domainName);
        } catch (LibvirtException e) {
            throw LibvirtErrors.classify(e, "lookup of domain " + domainName);
        }
        if (domain == null) {
            throw new GuestAgentException(GuestAgentException.Kind.DOMAIN_NOT_FOUND, "no domain named " + domainName);
        }
        try {
            return call.call(domain);
        } catch (LibvirtException e) {
            GuestAgentException failure = LibvirtErrors.classify(e, what);
            // libvirt says "domain is not running" for a paused domain too; only a stopped one cannot be frozen.
            if (failure.kind() == GuestAgentException.Kind.DOMAIN_NOT_RUNNING && isPaused(domain)) {
                throw new GuestAgentException(GuestAgentException.Kind.DOMAIN_PAUSED, what + " refused: domain "
                        + domainName + " is paused; agent commands resume when it runs again", e);
            }
            throw failure;
        } finally {
            try {
                domain.free();
            } catch (LibvirtException e) {
                LOG.debug("Freeing domain {} failed: {}", domainName, e.getMessage());
            }
        }
    }

}
