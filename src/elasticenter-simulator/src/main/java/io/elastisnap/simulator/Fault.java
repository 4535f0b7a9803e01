// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * An injectable misbehaviour of one command. Immutable; {@link #times(int)} returns a copy limited to n firings.
 *
 * <p>Side effects: {@code hang}, {@code connectionReset}, {@code error} and {@code latency} fire before the command
 * runs, so the first three leave the state untouched. {@code malformedJson} and {@code truncatedJson} run the command
 * and then spoil its response, as a real server whose answer got lost would. {@code jobStaysPending} on an async
 * command (createVolume, deleteFileSystem) holds every job it captures at jobstatus 0 until the fault is cleared;
 * on queryAsyncJobResult it turns each matching poll into a pending answer.
 */
public final class Fault {

    /** What the fault does. */
    public enum Kind { LATENCY, ERROR, HANG, CONNECTION_RESET, MALFORMED_JSON, TRUNCATED_JSON, JOB_STAYS_PENDING }

    /** Marks a fault that fires on every matching request. */
    public static final int UNLIMITED = -1;

    private final Kind kind;
    private final Duration latency;
    private final int errorCode;
    private final String errorText;
    private final int times;

    private Fault(Kind kind, Duration latency, int errorCode, String errorText, int times) {
        this.kind = kind;
        this.latency = latency;
        this.errorCode = errorCode;
        this.errorText = errorText;
        this.times = times;
    }

    /** Delays the answer by {@code delay}, then answers normally. */
    public static Fault latency(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + delay);
        }
        return new Fault(Kind.LATENCY, delay, 0, null, UNLIMITED);
    }

    /** Answers with this error inside the command's envelope; the HTTP status is {@code code}. */
    public static Fault error(int code, String text) {
        if (code < 100 || code > 999) {
            throw new IllegalArgumentException("error code must be a 3-digit HTTP status: " + code);
        }
        return new Fault(Kind.ERROR, Duration.ZERO, code, Objects.requireNonNull(text, "text"), UNLIMITED);
    }

    /** Reads the request and never answers, until the client gives up, the fault is cleared or the server closes. */
    public static Fault hang() {
        return new Fault(Kind.HANG, Duration.ZERO, 0, null, UNLIMITED);
    }

    /** Reads the request, then resets the TCP connection (RST, no TLS close_notify). */
    public static Fault connectionReset() {
        return new Fault(Kind.CONNECTION_RESET, Duration.ZERO, 0, null, UNLIMITED);
    }

    /** Runs the command, then answers HTTP 200 with a body that is not valid JSON. */
    public static Fault malformedJson() {
        return new Fault(Kind.MALFORMED_JSON, Duration.ZERO, 0, null, UNLIMITED);
    }

    /** Runs the command, then answers HTTP 200 with only the first half of the JSON body (Content-Length matches). */
    public static Fault truncatedJson() {
        return new Fault(Kind.TRUNCATED_JSON, Duration.ZERO, 0, null, UNLIMITED);
    }

    /** Keeps async jobs at jobstatus 0 (see the class comment). */
    public static Fault jobStaysPending() {
        return new Fault(Kind.JOB_STAYS_PENDING, Duration.ZERO, 0, null, UNLIMITED);
    }

    /** A copy of this fault that fires at most {@code n} times, then stops matching. */
    public Fault times(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("times must be at least 1: " + n);
        }
        return new Fault(kind, latency, errorCode, errorText, n);
    }

    public Kind kind() {
        return kind;
    }

    /** The added delay of a {@link Kind#LATENCY} fault, else zero. */
    public Duration latency() {
        return latency;
    }

    /** The HTTP status and errorcode of an {@link Kind#ERROR} fault, else 0. */
    public int errorCode() {
        return errorCode;
    }

    /** The errortext of an {@link Kind#ERROR} fault, else null. */
    public String errorText() {
        return errorText;
    }

    /** How often the fault fires, or {@link #UNLIMITED}. */
    public int timesLimit() {
        return times;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Fault[").append(kind);
        if (kind == Kind.LATENCY) {
            text.append(' ').append(latency.toMillis()).append(" ms");
        } else if (kind == Kind.ERROR) {
            text.append(' ').append(errorCode).append(" \"").append(errorText).append('"');
        }
        if (times != UNLIMITED) {
            text.append(" x").append(times);
        }
        return text.append(']').toString();
    }
}
