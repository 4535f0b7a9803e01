// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 server over TLS on 127.0.0.1, written directly on sockets so that injected faults are real
 * network behaviour: a hang keeps the connection open without a byte of answer, a reset sends a TCP RST without a
 * TLS close_notify. Keep-alive is supported for pooled clients; connections are served by a bounded pool.
 */
final class LoopbackHttpsServer implements Closeable {
    private static final Logger LOG = LogManager.getLogger(LoopbackHttpsServer.class);
    private static final int IDLE_TIMEOUT_MILLIS = 30_000;
    private static final int HANG_PROBE_MILLIS = 100;
    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 100;
    private static final int MAX_BODY = 1024 * 1024;

    /** One parsed request. */
    static final class Request {
        final String method;
        final String path;
        final String query;
        final Map<String, String> headers;
        final byte[] body;

        Request(String method, String path, String query, Map<String, String> headers, byte[] body) {
            this.method = method;
            this.path = path;
            this.query = query;
            this.headers = headers;
            this.body = body;
        }

        String header(String name) {
            return headers.get(name);
        }
    }

    /** What to send back. */
    static final class Reply {
        enum Kind { SEND, HANG, RESET }

        final Kind kind;
        final int status;
        final String contentType;
        final byte[] body;
        final String description;
        final Faults.ActiveFault hang;

        private Reply(Kind kind, int status, String contentType, byte[] body, String description,
                      Faults.ActiveFault hang) {
            this.kind = kind;
            this.status = status;
            this.contentType = contentType;
            this.body = body;
            this.description = description;
            this.hang = hang;
        }

        static Reply send(int status, String contentType, byte[] body, String description) {
            return new Reply(Kind.SEND, status, contentType, body, description, null);
        }

        static Reply text(int status, String text) {
            return send(status, "text/plain; charset=UTF-8", (text + "\n").getBytes(StandardCharsets.UTF_8), null);
        }

        static Reply hang(Faults.ActiveFault fault) {
            return new Reply(Kind.HANG, 0, null, null, null, fault);
        }

        static Reply reset() {
            return new Reply(Kind.RESET, 0, null, null, null, null);
        }
    }

    interface Handler {
        Reply handle(Request request);
    }

    private final SSLSocketFactory sslSockets;
    private final Handler handler;
    private final ServerSocket serverSocket;
    private final ThreadPoolExecutor workers;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    LoopbackHttpsServer(int port, SSLContext tls, Handler handler, int maxConnections) throws IOException {
        this.sslSockets = tls.getSocketFactory();
        this.handler = handler;
        this.serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        this.workers = new ThreadPoolExecutor(maxConnections, maxConnections, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(4 * maxConnections), named("elasticenter-sim-conn"));
        workers.allowCoreThreadTimeOut(true);
        this.acceptor = named("elasticenter-sim-accept").newThread(this::acceptLoop);
        acceptor.start();
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket raw;
            try {
                raw = serverSocket.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("Accept failed: {}", e.getMessage());
                }
                continue;
            }
            connections.add(raw);
            try {
                workers.execute(() -> serve(raw));
            } catch (RejectedExecutionException e) {
                LOG.warn("Too many connections; dropping one");
                closeQuietly(raw);
            }
        }
    }

    private void serve(Socket raw) {
        try {
            raw.setTcpNoDelay(true);
            raw.setSoTimeout(IDLE_TIMEOUT_MILLIS);
            SSLSocket tls = (SSLSocket) sslSockets.createSocket(raw, null, true);
            InputStream in = new BufferedInputStream(tls.getInputStream());
            OutputStream out = new BufferedOutputStream(tls.getOutputStream());
            while (!closed) {
                Request request = readRequest(in);
                if (request == null) {
                    return;
                }
                Reply reply = handler.handle(request);
                if (reply.kind == Reply.Kind.RESET) {
                    raw.setSoLinger(true, 0);
                    raw.close();
                    return;
                }
                if (reply.kind == Reply.Kind.HANG) {
                    hang(raw, in, reply.hang);
                    return;
                }
                boolean keepAlive = keepAlive(request);
                write(out, reply, keepAlive);
                if (!keepAlive) {
                    return;
                }
            }
        } catch (SocketTimeoutException idle) {
            LOG.trace("Idle connection closed");
        } catch (BadRequest e) {
            LOG.debug("Bad request: {}", e.getMessage());
        } catch (IOException e) {
            LOG.trace("Connection ended: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Unexpected failure serving a connection", e);
        } finally {
            connections.remove(raw);
            closeQuietly(raw);
        }
    }

    /** Holds the connection without answering until the client leaves, the fault is cleared or we close. */
    private void hang(Socket raw, InputStream in, Faults.ActiveFault fault) throws IOException {
        raw.setSoTimeout(HANG_PROBE_MILLIS);
        while (!closed && !fault.released()) {
            try {
                if (in.read() < 0) {
                    return;
                }
            } catch (SocketTimeoutException stillThere) {
                // the timeout is the wait between checks
            }
        }
    }

    private static boolean keepAlive(Request request) {
        String connection = request.header("Connection");
        return connection == null || !connection.toLowerCase(Locale.ROOT).contains("close");
    }

    private static void write(OutputStream out, Reply reply, boolean keepAlive) throws IOException {
        StringBuilder head = new StringBuilder(256);
        head.append("HTTP/1.1 ").append(reply.status).append(' ').append(reason(reply.status)).append("\r\n");
        head.append("Server: ElastiCenter-Simulator\r\n");
        if (reply.contentType != null) {
            head.append("Content-Type: ").append(reply.contentType).append("\r\n");
        }
        head.append("Content-Length: ").append(reply.body.length).append("\r\n");
        if (reply.description != null) {
            head.append("X-Description: ").append(headerSafe(reply.description)).append("\r\n");
        }
        head.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(reply.body);
        out.flush();
    }

    private static String headerSafe(String text) {
        StringBuilder safe = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            safe.append(c < 0x20 || c > 0xff ? ' ' : c);
        }
        return safe.toString();
    }

    // [INFERRED] reason phrases of the ElastiCenter-specific codes were never captured.
    private static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 201: return "Created";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 431: return "Parameter Error";
            case 432: return "Unsupported Command";
            case 503: return "Service Unavailable";
            case 530: return "Internal Error";
            default: return "Status " + status;
        }
    }

    private static Request readRequest(InputStream in) throws IOException {
        String requestLine = readLine(in, true);
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new BadRequest("malformed request line");
        }
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int count = 0; ; count++) {
            String line = readLine(in, false);
            if (line.isEmpty()) {
                break;
            }
            if (count >= MAX_HEADERS) {
                throw new BadRequest("too many headers");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new BadRequest("malformed header");
            }
            headers.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
        if (parts[2].equals("HTTP/1.0") && !"keep-alive".equalsIgnoreCase(headers.get("Connection"))) {
            headers.put("Connection", "close");
        }
        if (headers.containsKey("Transfer-Encoding")) {
            throw new BadRequest("chunked request bodies are not supported");
        }
        byte[] body = new byte[0];
        String length = headers.get("Content-Length");
        if (length != null) {
            int size;
            try {
                size = Integer.parseInt(length);
            } catch (NumberFormatException e) {
                throw new BadRequest("bad Content-Length");
            }
            if (size < 0 || size > MAX_BODY) {
                throw new BadRequest("request body too large");
            }
            body = in.readNBytes(size);
            if (body.length != size) {
                throw new BadRequest("request body cut short");
            }
        }
        String target = parts[1];
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        String query = question < 0 ? null : target.substring(question + 1);
        return new Request(parts[0], path, query, headers, body);
    }

    /** A CRLF-terminated line; null on a clean end of stream before a request when {@code eofAllowed}. */
    private static String readLine(InputStream in, boolean eofAllowed) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (eofAllowed && line.size() == 0) {
                    return null;
                }
                throw new BadRequest("connection closed mid-request");
            }
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
            if (line.size() > MAX_LINE) {
                throw new BadRequest("line too long");
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(serverSocket);
        connections.forEach(LoopbackHttpsServer::closeQuietly);
        workers.shutdownNow();
        try {
            acceptor.join(5_000);
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Connection threads still running after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static final class BadRequest extends IOException {
        BadRequest(String message) {
            super(message);
        }
    }
}
