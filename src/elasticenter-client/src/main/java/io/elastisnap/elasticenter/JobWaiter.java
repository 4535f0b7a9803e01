// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Polls an async job until it finishes: first poll at once, then waits that double from the initial interval up to
 * the max interval, and an overall deadline after which the job is reported as timed out (it may still finish on the
 * server). Never a tight loop, never unbounded.
 */
final class JobWaiter {
    private static final Logger LOG = LogManager.getLogger(JobWaiter.class);

    private final ApiCaller caller;
    private final Redactor redactor;
    private final Duration initial;
    private final Duration max;
    private final Duration deadline;

    JobWaiter(ApiCaller caller, Redactor redactor, ElastiCenterConfig config) {
        this.caller = caller;
        this.redactor = redactor;
        this.initial = config.jobPollInitial();
        this.max = config.jobPollMax();
        this.deadline = config.jobDeadline();
    }

    AsyncJob query(String jobId) {
        ApiRequest request = ApiRequest.to(ApiCommand.QUERY_ASYNC_JOB_RESULT).param("jobId", jobId).build();
        return AsyncJob.from(jobId, caller.call(request));
    }

    /** The finished, successful job {@code jobId} started by {@code origin}; failures and the deadline throw. */
    AsyncJob await(ApiCommand origin, String jobId) {
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        long delayMs = initial.toMillis();
        for (int polls = 1; ; polls++) {
            AsyncJob job = poll(origin, jobId);
            LOG.debug("{} job {}: {} after {} poll(s)", origin, jobId, job.status(), polls);
            if (job.status() == AsyncJob.Status.SUCCEEDED) {
                // 1.4 builds add "success"; a false one beside jobstatus 1 is still a failure.
                if (job.result().flatMap(r -> r.bool("success")).orElse(true)) {
                    return job;
                }
                throw failed(origin, job);
            }
            if (job.status() == AsyncJob.Status.FAILED) {
                throw failed(origin, job);
            }
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (remainingMs <= 0) {
                throw new ElastiCenterTimeoutException(origin + ": job " + jobId + " still pending after " + deadline
                        + " (" + polls + " polls); it may still finish on the server, check it with"
                        + " queryAsyncJobResult", ElastiCenterException.Details.of(origin.wireName()).job(jobId)
                        .outcomeUnknown(true));
            }
            sleep(origin, jobId, Math.min(delayMs, remainingMs));
            delayMs = Math.min(delayMs * 2, max.toMillis());
        }
    }

    private AsyncJob poll(ApiCommand origin, String jobId) {
        try {
            return query(jobId);
        } catch (ElastiCenterException e) {
            throw ErrorClassifier.sameKind(e, origin + ": lost track of job " + jobId + ", which may still finish"
                    + " on the server: " + e.getMessage(), ElastiCenterException.Details.of(origin.wireName())
                    .httpStatus(e.httpStatus()).error(e.errorCode(), e.errorText()).job(jobId).outcomeUnknown(true));
        }
    }

    private ElastiCenterException failed(ApiCommand origin, AsyncJob job) {
        String text = job.errorText().isEmpty() ? "the job reported failure" : job.errorText();
        return ErrorClassifier.fromServer(origin.wireName(), job.record().httpStatus(), job.errorCode(),
                redactor.redact(text), job.jobId());
    }

    private static void sleep(ApiCommand origin, String jobId, long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ElastiCenterException(origin + ": interrupted while waiting for job " + jobId
                    + ", which may still finish on the server", ElastiCenterException.Details.of(origin.wireName())
                    .job(jobId).outcomeUnknown(true), e);
        }
    }
}
