// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.Set;

/**
 * Sends a request and opens its answer, retrying idempotent reads (list*, queryAsyncJobResult, listCapabilities)
 * a bounded number of times after I/O failures, timeouts and gateway errors (502/503/504). Mutations are sent
 * exactly once: repeating one whose outcome is unknown could create a second snapshot or volume.
 */
final class ApiCaller {
    private static final Logger LOG = LogManager.getLogger(ApiCaller.class);
    private static final long FIRST_RETRY_DELAY_MS = 200;
    private static final Set<Integer> GATEWAY_ERRORS = Set.of(502, 503, 504);

    private final HttpTransport transport;
    private final ResponseMapper mapper;
    private final int readRetries;

    ApiCaller(HttpTransport transport, ResponseMapper mapper, int readRetries) {
        this.transport = transport;
        this.mapper = mapper;
        this.readRetries = readRetries;
    }

    /** The envelope of the command's successful answer. */
    ApiRecord call(ApiRequest request) {
        int attempts = request.command().idempotent() ? readRetries + 1 : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                return mapper.payload(request, transport.send(request));
            } catch (ElastiCenterException e) {
                if (attempt >= attempts || !retryable(e)) {
                    throw e;
                }
                long delay = FIRST_RETRY_DELAY_MS << (attempt - 1);
                LOG.warn("{} failed, retrying in {} ms (attempt {} of {}): {}", request.command(), delay,
                        attempt + 1, attempts, e.getMessage());
                pause(request, delay, e);
            }
        }
    }

    ResponseMapper mapper() {
        return mapper;
    }

    private static boolean retryable(ElastiCenterException e) {
        return e instanceof ElastiCenterConnectionException || e instanceof ElastiCenterTimeoutException
                || (e instanceof ElastiCenterServerException && GATEWAY_ERRORS.contains(e.httpStatus()));
    }

    private static void pause(ApiRequest request, long millis, ElastiCenterException pending) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            pending.addSuppressed(interrupted);
            LOG.debug("{}: retry abandoned, thread interrupted", request.command());
            throw pending;
        }
    }
}
