// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.List;
import java.util.Locale;

/**
 * Maps an error the server reported (HTTP status, errorcode, errortext) to the typed exception. The codes alone are
 * too coarse (530 covers both "has a clone" and real failures, 431 both missing parameters and missing snapshots),
 * so the text decides where the fact sheet shows a stable phrase.
 */
final class ErrorClassifier {
    private static final int UNAUTHORIZED = 401;
    private static final int UNKNOWN_COMMAND = 432;
    private static final List<String> CONFLICT_PHRASES = List.of("has a clone", "has clones", "already exists",
            "duplicate");
    private static final List<String> NOT_FOUND_PHRASES = List.of("could not find", "not found", "does not exist",
            "doesn't exist", "no such");

    private ErrorClassifier() {
    }

    /** The exception for an error answer; {@code errorText} must be redacted already. */
    static ElastiCenterException fromServer(String command, int httpStatus, int errorCode, String errorText,
                                            String jobId) {
        String text = errorText == null || errorText.isBlank() ? "" : errorText.trim();
        ElastiCenterException.Details details = ElastiCenterException.Details.of(command).httpStatus(httpStatus)
                .error(errorCode, text).job(jobId);
        int code = errorCode != 0 ? errorCode : httpStatus;
        String what = (jobId == null ? command : command + " job " + jobId) + " failed: "
                + (text.isEmpty() ? "(no error text)" : text) + " (" + codes(httpStatus, errorCode) + ")";
        String lower = text.toLowerCase(Locale.ROOT);
        if (code == UNAUTHORIZED || httpStatus == UNAUTHORIZED) {
            return new ElastiCenterAuthException(what + "; check the API key of the ElastiCenter account", details);
        }
        if (code == UNKNOWN_COMMAND) {
            return new ElastiCenterProtocolException(what + "; this ElastiCenter does not know the command",
                    details);
        }
        if (containsAny(lower, CONFLICT_PHRASES)) {
            return new ElastiCenterConflictException(what, details);
        }
        if (lower.contains("missing parameter")) {
            return new ElastiCenterMissingParameterException(what, details);
        }
        if (containsAny(lower, NOT_FOUND_PHRASES)) {
            return new ElastiCenterNotFoundException(what, details);
        }
        if (code >= 400 && code < 500) {
            return new ElastiCenterBadRequestException(what, details);
        }
        return new ElastiCenterServerException(what, details);
    }

    /**
     * A copy of {@code error} of the same type with a new message and details, for adding context (e.g. the job
     * whose polling failed) without losing the type callers catch.
     */
    static ElastiCenterException sameKind(ElastiCenterException error, String message,
                                          ElastiCenterException.Details details) {
        if (error instanceof ElastiCenterAuthException) {
            return new ElastiCenterAuthException(message, details, error);
        }
        if (error instanceof ElastiCenterMissingParameterException) {
            return new ElastiCenterMissingParameterException(message, details, error);
        }
        if (error instanceof ElastiCenterBadRequestException) {
            return new ElastiCenterBadRequestException(message, details, error);
        }
        if (error instanceof ElastiCenterNotFoundException) {
            return new ElastiCenterNotFoundException(message, details, error);
        }
        if (error instanceof ElastiCenterConflictException) {
            return new ElastiCenterConflictException(message, details, error);
        }
        if (error instanceof ElastiCenterServerException) {
            return new ElastiCenterServerException(message, details, error);
        }
        if (error instanceof ElastiCenterTimeoutException) {
            return new ElastiCenterTimeoutException(message, details, error);
        }
        if (error instanceof ElastiCenterTlsException) {
            return new ElastiCenterTlsException(message, details, error);
        }
        if (error instanceof ElastiCenterProtocolException) {
            return new ElastiCenterProtocolException(message, details, error);
        }
        if (error instanceof ElastiCenterConnectionException) {
            return new ElastiCenterConnectionException(message, details, error);
        }
        return new ElastiCenterException(message, details, error);
    }

    private static String codes(int httpStatus, int errorCode) {
        if (httpStatus == 0) {
            return "errorcode " + errorCode;
        }
        return errorCode == 0 || errorCode == httpStatus ? "HTTP " + httpStatus
                : "HTTP " + httpStatus + ", errorcode " + errorCode;
    }

    private static boolean containsAny(String text, List<String> phrases) {
        return phrases.stream().anyMatch(text::contains);
    }
}
