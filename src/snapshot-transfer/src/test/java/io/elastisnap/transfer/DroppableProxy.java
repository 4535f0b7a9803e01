// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 in front of an iSCSI portal that drops every connection (RST) once {@code dropAfter} bytes
 * went from the target to the initiator, and refuses new ones: the network gone in the middle of a read.
 */
final class DroppableProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final long dropAfter;
    private final AtomicLong relayed = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean dropped;

    DroppableProxy(String targetHost, int targetPort, long dropAfter) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.dropAfter = dropAfter;
        Thread acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    boolean dropped() {
        return dropped;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (dropped) {
                    client.close();
                    continue;
                }
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, false);
                pump(upstream, client, true);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean countsTowardsDrop) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                    if (countsTowardsDrop && relayed.addAndGet(n) > dropAfter) {
                        drop();
                        return;
                    }
                }
            } catch (IOException e) {
                // dropped
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    synchronized void drop() {
        dropped = true;
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0);
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    @Override
    public void close() throws IOException {
        drop();
        server.close();
    }
}
