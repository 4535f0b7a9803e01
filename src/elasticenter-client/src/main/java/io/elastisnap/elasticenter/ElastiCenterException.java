// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.Objects;
import java.util.Optional;

/**
 * A failed ElastiCenter call. Carries the command, the HTTP status and the server's errorcode/errortext (0 and ""
 * when the server did not answer). The message never contains the API key: the client builds it from redacted
 * parts, and wrapped causes whose text could hold the request URL are replaced by redacted copies.
 *
 * <p>{@link #outcomeUnknown()} is true when a mutating command may have taken effect although no valid answer
 * arrived (read timeout, connection lost after sending, unreadable success body): callers that compensate must then
 * look at the array's state rather than assume nothing happened.
 */
public class ElastiCenterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Details details;

    public ElastiCenterException(String message, Details details, Throwable cause) {
        super(message, cause);
        this.details = Objects.requireNonNull(details, "details");
    }

    public ElastiCenterException(String message, Details details) {
        this(message, details, null);
    }

    /** The API command that failed, e.g. {@code createStorageSnapshot}; "setup" for client construction. */
    public String command() {
        return details.command;
    }

    /** The HTTP status of the answer, 0 when none arrived. */
    public int httpStatus() {
        return details.httpStatus;
    }

    /** The server's errorcode (also a failed job's), 0 when none was given. */
    public int errorCode() {
        return details.errorCode;
    }

    /** The server's errortext (or X-Description), "" when none was given. */
    public String errorText() {
        return details.errorText;
    }

    /** The async job involved, if the failure concerns one. */
    public Optional<String> jobId() {
        return Optional.ofNullable(details.jobId);
    }

    /** Whether the command may have been carried out although the call failed (see the class comment). */
    public boolean outcomeUnknown() {
        return details.outcomeUnknown;
    }

    /** The structured part of an error, immutable; build with {@link #of(String)} and the wither methods. */
    public static final class Details implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        private final String command;
        private final int httpStatus;
        private final int errorCode;
        private final String errorText;
        private final String jobId;
        private final boolean outcomeUnknown;

        private Details(String command, int httpStatus, int errorCode, String errorText, String jobId,
                        boolean outcomeUnknown) {
            this.command = command;
            this.httpStatus = httpStatus;
            this.errorCode = errorCode;
            this.errorText = errorText;
            this.jobId = jobId;
            this.outcomeUnknown = outcomeUnknown;
        }

        public static Details of(String command) {
            return new Details(Objects.requireNonNull(command, "command"), 0, 0, "", null, false);
        }

        public Details httpStatus(int status) {
            return new Details(command, status, errorCode, errorText, jobId, outcomeUnknown);
        }

        public Details error(int code, String text) {
            return new Details(command, httpStatus, code, text == null ? "" : text, jobId, outcomeUnknown);
        }

        public Details job(String id) {
            return new Details(command, httpStatus, errorCode, errorText, id, outcomeUnknown);
        }

        public Details outcomeUnknown(boolean unknown) {
            return new Details(command, httpStatus, errorCode, errorText, jobId, unknown);
        }

        @Override
        public String toString() {
            return "Details[" + command + ", HTTP " + httpStatus + ", errorcode " + errorCode
                    + (jobId == null ? "" : ", job " + jobId) + (outcomeUnknown ? ", outcome unknown" : "") + "]";
        }
    }
}
