// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.libvirt;

import io.elastisnap.engine.DomainRunState;
import io.elastisnap.engine.GuestAgentException;

/** The libvirt operations the quiescer needs, with libvirt errors already classified. */
interface DomainAccess {
    DomainRunState runState(String domainName) throws GuestAgentException;

    /** Sends one QEMU guest agent command (JSON) and returns the agent's reply (JSON). */
    String agentCommand(String domainName, String commandJson, String commandName, int timeoutSeconds) throws GuestAgentException;

    /** The domain's live definition (virDomainGetXMLDesc). */
    String domainXml(String domainName) throws GuestAgentException;
}
