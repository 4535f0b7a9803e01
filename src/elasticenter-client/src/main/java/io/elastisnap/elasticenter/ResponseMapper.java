// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.List;
import java.util.Optional;

/**
 * Opens an answer: finds the command's envelope and turns error answers into typed exceptions. Errors arrive inside
 * the command's own envelope ({@code errorcode}/{@code errortext}, HTTP status = errorcode), inside
 * {@code errorresponse} for an unknown command, or only as a status with an {@code X-Description} header when the
 * body is not JSON (a proxy's error page).
 */
final class ResponseMapper {
    private static final Logger LOG = LogManager.getLogger(ResponseMapper.class);

    private final Redactor redactor;

    ResponseMapper(Redactor redactor) {
        this.redactor = redactor;
    }

    /**
     * The envelope object of a successful answer; throws the typed exception of any other answer. Server texts in it
     * never repeat the key or a secret parameter of {@code request} (an appliance echoing a bad value).
     */
    ApiRecord payload(ApiRequest request, RawResponse response) {
        ApiCommand command = request.command();
        int status = response.status();
        if (status >= 300 && status < 400) {
            throw protocolError(command, status, "unexpected redirect (HTTP " + status
                    + "); the base URL must name the API's https address and port directly");
        }
        ApiRecord root;
        try {
            root = JsonAnswer.parse(command, status, response.body());
        } catch (JsonAnswer.Malformed malformed) {
            if (response.isError()) {
                throw ErrorClassifier.fromServer(command.wireName(), status, 0, request.maskSecretsIn(headerText(response)),
                        null);
            }
            throw protocolError(command, status, "unreadable answer: " + malformed.getMessage());
        }
        Optional<ApiRecord> envelope = envelope(command, root);
        if (envelope.isEmpty()) {
            if (response.isError()) {
                throw ErrorClassifier.fromServer(command.wireName(), status, 0, request.maskSecretsIn(headerText(response)),
                        null);
            }
            throw protocolError(command, status, "no '" + command.envelope()
                    + "' object in the answer; its top-level fields are " + root.names());
        }
        ApiRecord payload = envelope.get();
        if (response.isError() || isErrorPayload(payload)) {
            long code = payload.integer("errorcode").orElse(status);
            String text = payload.string("errortext").orElseGet(() -> headerText(response));
            throw ErrorClassifier.fromServer(command.wireName(), status,
                    code > 0 && code < 1000 ? (int) code : status, request.maskSecretsIn(redactor.redact(text)), null);
        }
        return payload;
    }

    /** A protocol error; for a mutation the change may have happened although its answer is unusable. */
    ElastiCenterProtocolException protocolError(ApiCommand command, int status, String problem) {
        return new ElastiCenterProtocolException(command + ": " + problem, ElastiCenterException.Details
                .of(command.wireName()).httpStatus(status).outcomeUnknown(!command.idempotent()));
    }

    private static boolean isErrorPayload(ApiRecord payload) {
        return payload.integer("errorcode").orElse(0) != 0 || payload.string("errortext").isPresent();
    }

    private Optional<ApiRecord> envelope(ApiCommand command, ApiRecord root) {
        Optional<ApiRecord> named = root.object(command.envelope()).or(() -> root.object(ApiCommand.ERROR_ENVELOPE));
        if (named.isPresent()) {
            return named;
        }
        List<String> names = root.names();
        if (names.size() == 1 && root.object(names.get(0)).isPresent()) {
            // Tolerated: the server names envelopes per command and build, not by a rule; one object is the answer.
            LOG.debug("{}: answer envelope '{}' accepted in place of '{}'", command, names.get(0),
                    command.envelope());
            return root.object(names.get(0));
        }
        return Optional.empty();
    }

    private String headerText(RawResponse response) {
        String text = response.xDescription() != null && !response.xDescription().isBlank()
                ? response.xDescription() : response.reason();
        return redactor.redact(text);
    }
}
