// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One answer of {@code queryAsyncJobResult}: {@code jobstatus} 0 pending, 1 succeeded, 2 failed. A failed job keeps
 * its {@code errorcode}/{@code errortext} inside {@code jobresult}; a successful one keeps its result object there
 * ({@code storage} for createVolume).
 */
public final class AsyncJob {

    /** The job's {@code jobstatus}. */
    public enum Status {
        PENDING(0), SUCCEEDED(1), FAILED(2);

        private final int code;

        Status(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    private final String jobId;
    private final Status status;
    private final Optional<String> commandClass;
    private final Optional<String> message;
    private final OptionalLong resultCode;
    private final Optional<ApiRecord> result;
    private final ApiRecord record;

    private AsyncJob(String requestedJobId, ApiRecord r) {
        this.jobId = r.string("jobid").orElse(Objects.requireNonNull(requestedJobId, "jobId"));
        long code = r.integer("jobstatus").orElseThrow(() -> r.protocolError(
                "required field 'jobstatus' of " + r.path() + " is missing or not a number"));
        this.status = statusOf(code, r);
        this.commandClass = r.string("cmd");
        this.message = r.string("msg");
        this.resultCode = r.integer("jobresultcode");
        this.result = r.object("jobresult");
        this.record = r;
    }

    /** The job {@code requestedJobId} as the record describes it ({@code jobid} in the answer wins if present). */
    public static AsyncJob from(String requestedJobId, ApiRecord record) {
        return new AsyncJob(requestedJobId, record);
    }

    public String jobId() {
        return jobId;
    }

    public Status status() {
        return status;
    }

    public boolean isDone() {
        return status != Status.PENDING;
    }

    /** The server-side command class, e.g. {@code com.cloudbyte.api.commands.CreateVolumeCmd}. */
    public Optional<String> commandClass() {
        return commandClass;
    }

    public Optional<String> message() {
        return message;
    }

    /** {@code jobresultcode}: 0 on success, the errorcode (530) on failure. */
    public OptionalLong resultCode() {
        return resultCode;
    }

    /** The {@code jobresult} object, absent while pending. */
    public Optional<ApiRecord> result() {
        return result;
    }

    /** A failed job's errorcode: {@code jobresult.errorcode}, else {@code jobresultcode}, else 0. */
    public int errorCode() {
        OptionalLong code = result.map(r -> r.integer("errorcode")).orElse(OptionalLong.empty());
        long value = code.isPresent() ? code.getAsLong() : resultCode.orElse(0);
        return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE ? (int) value : 0;
    }

    /** A failed job's {@code jobresult.errortext}, else its {@code msg}, else "". */
    public String errorText() {
        return result.flatMap(r -> r.string("errortext")).or(() -> message).orElse("");
    }

    public ApiRecord record() {
        return record;
    }

    private static Status statusOf(long code, ApiRecord r) {
        for (Status s : Status.values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw r.protocolError("jobstatus " + code + " is none of 0 (pending), 1 (succeeded), 2 (failed)");
    }

    @Override
    public String toString() {
        return "AsyncJob[" + jobId + " " + status + commandClass.map(c -> ", " + c).orElse("")
                + (status == Status.FAILED ? ", errorcode " + errorCode() : "") + "]";
    }
}
