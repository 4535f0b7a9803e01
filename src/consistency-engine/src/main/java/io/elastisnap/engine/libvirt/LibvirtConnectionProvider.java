// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.libvirt;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * Supplies the libvirt connection for each call. The CloudStack agent passes its own shared connection
 * ({@code LibvirtConnection::getConnection}); standalone tools use {@link LibvirtUriConnection}. The quiescer never
 * closes the connection it is given.
 */
@FunctionalInterface
public interface LibvirtConnectionProvider {
    Connect connect() throws LibvirtException;
}
