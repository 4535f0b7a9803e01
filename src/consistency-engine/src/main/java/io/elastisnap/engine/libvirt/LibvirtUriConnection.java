// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.libvirt;

import java.util.Objects;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/** A connection to one libvirt URI, opened on first use and reopened when it died; close it when done. */
public final class LibvirtUriConnection implements LibvirtConnectionProvider, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(LibvirtUriConnection.class);

    private final String uri;
    private Connect connection;

    public LibvirtUriConnection(String uri) {
        this.uri = Objects.requireNonNull(uri, "uri");
    }

    public String uri() {
        return uri;
    }

    @Override
    public synchronized Connect connect() throws LibvirtException {
        if (connection != null && !isAlive(connection)) {
            LOG.warn("libvirt connection to {} is dead; reconnecting", uri);
            closeQuietly(connection);
            connection = null;
        }
        if (connection == null) {
            connection = new Connect(uri);
        }
        return connection;
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            closeQuietly(connection);
            connection = null;
        }
    }

    private static boolean isAlive(Connect connection) {
        try {
            return connection.isAlive();
        } catch (LibvirtException e) {
            return false;
        }
    }

    private void closeQuietly(Connect c) {
        try {
            c.close();
        } catch (LibvirtException e) {
            LOG.debug("Closing libvirt connection to {} failed: {}", uri, e.getMessage());
        }
    }
}
