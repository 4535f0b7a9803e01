// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A canned HTTPS endpoint on loopback that answers each request with exactly the bytes a {@link Responder} writes
 * (status line, headers and body, or less, or nothing). Every connection is closed after one answer.
 */
final class RawHttpsServer implements AutoCloseable {
    /** Writes the raw answer to one request; {@code requestHead} is the request line and headers. */
    interface Responder {
        void respond(String requestHead, OutputStream out, RawHttpsServer server) throws IOException;
    }

    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private final ServerSocket socket;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "raw-https-connection");
        t.setDaemon(true);
        return t;
    });
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger requestsRead = new AtomicInteger();
    private final AtomicInteger handshakesFailed = new AtomicInteger();
    private volatile Responder responder;

    RawHttpsServer(SSLContext context, Responder responder) throws IOException {
        this.responder = responder;
        this.socket = context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "raw-https-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI baseUrl() {
        return URI.create("https://127.0.0.1:" + socket.getLocalPort());
    }

    void responder(Responder value) {
        responder = value;
    }

    /** Requests whose head arrived completely (so a refused TLS handshake counts none). */
    int requestsRead() {
        return requestsRead.get();
    }

    int handshakesFailed() {
        return handshakesFailed.get();
    }

    /** For hanging answers: waits until the server closes, at most {@code millis}. */
    void holdOpen(long millis) {
        try {
            closed.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                connections.execute(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (Socket s = client) {
            s.setSoTimeout(10_000);
            try {
                ((SSLSocket) s).startHandshake();
            } catch (IOException e) {
                handshakesFailed.incrementAndGet();
                return;
            }
            String head = readHead(s.getInputStream());
            if (head == null) {
                return;
            }
            requestsRead.incrementAndGet();
            OutputStream out = s.getOutputStream();
            responder.respond(head, out, this);
            out.flush();
        } catch (IOException e) {
            // the client gave up (timeout, size limit): exactly what some answers provoke
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (head.size() < MAX_HEAD_BYTES) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        socket.close();
        connections.shutdownNow();
    }
}
