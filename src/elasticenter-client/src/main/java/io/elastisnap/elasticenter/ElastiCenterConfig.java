// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Immutable settings of one {@link ElastiCenterClient}. The toString shows everything except the API key.
 *
 * <p>Defaults: system trust store, connect timeout 10 s, read timeout 60 s, connection-pool wait 10 s, job polling
 * from 250 ms doubling to 5 s with a 10 min deadline, 2 retries of idempotent reads, 10 pooled connections,
 * 16 MiB response limit.
 */
public final class ElastiCenterConfig {
    static final String API_PATH = "/client/api";

    private final URI endpoint;
    private final Secret apiKey;
    private final TlsTrust trust;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration connectionRequestTimeout;
    private final Duration jobPollInitial;
    private final Duration jobPollMax;
    private final Duration jobDeadline;
    private final int readRetries;
    private final int maxConnections;
    private final int maxResponseBytes;

    private ElastiCenterConfig(Builder b) {
        this.endpoint = b.endpoint;
        this.apiKey = b.apiKey;
        this.trust = b.trust;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.connectionRequestTimeout = b.connectionRequestTimeout;
        this.jobPollInitial = b.jobPollInitial;
        this.jobPollMax = b.jobPollMax;
        this.jobDeadline = b.jobDeadline;
        this.readRetries = b.readRetries;
        this.maxConnections = b.maxConnections;
        this.maxResponseBytes = b.maxResponseBytes;
    }

    /**
     * Starts a configuration for the ElastiCenter at {@code baseUrl} ({@code https://host[:port]}; a trailing
     * {@code /client/api} is accepted and not doubled).
     */
    public static Builder builder(URI baseUrl, Secret apiKey) {
        return new Builder(baseUrl, apiKey);
    }

    /** The API endpoint, {@code https://host:port/client/api}. */
    public URI endpoint() {
        return endpoint;
    }

    public Secret apiKey() {
        return apiKey;
    }

    public TlsTrust trust() {
        return trust;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Longest wait for an answer: applies to every socket read and, as a hard limit, to the whole answer. */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** Longest wait for a free pooled connection when all are busy. */
    public Duration connectionRequestTimeout() {
        return connectionRequestTimeout;
    }

    public Duration jobPollInitial() {
        return jobPollInitial;
    }

    public Duration jobPollMax() {
        return jobPollMax;
    }

    public Duration jobDeadline() {
        return jobDeadline;
    }

    /** How often an idempotent read is retried after an I/O failure or a 502/503/504; mutations never are. */
    public int readRetries() {
        return readRetries;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public int maxResponseBytes() {
        return maxResponseBytes;
    }

    @Override
    public String toString() {
        return "ElastiCenterConfig[endpoint=" + endpoint + ", apiKey=" + apiKey + ", trust=" + trust
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", connectionRequestTimeout=" + connectionRequestTimeout + ", jobPolling=" + jobPollInitial + ".."
                + jobPollMax + " deadline " + jobDeadline + ", readRetries=" + readRetries
                + ", maxConnections=" + maxConnections + ", maxResponseBytes=" + maxResponseBytes + "]";
    }

    /** Builder; every setter validates its argument, {@link #build()} the combination. */
    public static final class Builder {
        private final URI endpoint;
        private final Secret apiKey;
        private TlsTrust trust = TlsTrust.systemDefault();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);
        private Duration connectionRequestTimeout = Duration.ofSeconds(10);
        private Duration jobPollInitial = Duration.ofMillis(250);
        private Duration jobPollMax = Duration.ofSeconds(5);
        private Duration jobDeadline = Duration.ofMinutes(10);
        private int readRetries = 2;
        private int maxConnections = 10;
        private int maxResponseBytes = 16 * 1024 * 1024;

        private Builder(URI baseUrl, Secret apiKey) {
            this.endpoint = apiEndpoint(Objects.requireNonNull(baseUrl, "ElastiCenter base URL"));
            this.apiKey = Objects.requireNonNull(apiKey, "API key");
        }

        public Builder trust(TlsTrust value) {
            this.trust = Objects.requireNonNull(value, "trust");
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = positive("connectTimeout", value);
            return this;
        }

        public Builder readTimeout(Duration value) {
            this.readTimeout = positive("readTimeout", value);
            return this;
        }

        public Builder connectionRequestTimeout(Duration value) {
            this.connectionRequestTimeout = positive("connectionRequestTimeout", value);
            return this;
        }

        /**
         * Async job polling: the first wait, the longest wait (waits double from {@code initial} up to {@code max})
         * and the overall deadline after which the job is reported as timed out.
         */
        public Builder jobPolling(Duration initial, Duration max, Duration deadline) {
            this.jobPollInitial = positive("job poll initial interval", initial);
            this.jobPollMax = positive("job poll max interval", max);
            this.jobDeadline = positive("job deadline", deadline);
            return this;
        }

        /** The deadline of async jobs, keeping the default polling intervals. */
        public Builder jobDeadline(Duration deadline) {
            this.jobDeadline = positive("job deadline", deadline);
            return this;
        }

        public Builder readRetries(int value) {
            if (value < 0 || value > 10) {
                throw new IllegalArgumentException("readRetries must be between 0 and 10, got " + value);
            }
            this.readRetries = value;
            return this;
        }

        public Builder maxConnections(int value) {
            if (value < 1 || value > 1000) {
                throw new IllegalArgumentException("maxConnections must be between 1 and 1000, got " + value);
            }
            this.maxConnections = value;
            return this;
        }

        public Builder maxResponseBytes(int value) {
            if (value < 1024) {
                throw new IllegalArgumentException("maxResponseBytes must be at least 1024, got " + value);
            }
            this.maxResponseBytes = value;
            return this;
        }

        public ElastiCenterConfig build() {
            if (jobPollInitial.compareTo(jobPollMax) > 0) {
                throw new IllegalArgumentException("job poll initial interval " + jobPollInitial
                        + " exceeds the max interval " + jobPollMax);
            }
            if (jobPollInitial.compareTo(jobDeadline) > 0) {
                throw new IllegalArgumentException("job poll initial interval " + jobPollInitial
                        + " exceeds the job deadline " + jobDeadline);
            }
            return new ElastiCenterConfig(this);
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            if (value.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + " is too long: " + value);
            }
            return value;
        }

        private static URI apiEndpoint(URI base) {
            if (base.getScheme() == null || !base.getScheme().toLowerCase(Locale.ROOT).equals("https")) {
                throw new IllegalArgumentException("ElastiCenter base URL must be https://host[:port] (the API key"
                        + " travels in the URL, so plain http is refused), got " + base);
            }
            if (base.getHost() == null || base.getHost().isEmpty()) {
                throw new IllegalArgumentException("ElastiCenter base URL has no host: " + base);
            }
            if (base.getRawQuery() != null || base.getRawFragment() != null || base.getRawUserInfo() != null) {
                throw new IllegalArgumentException("ElastiCenter base URL must not carry user info, a query or a"
                        + " fragment (the API key is configured separately): " + base.getScheme() + "://"
                        + base.getHost() + (base.getPort() < 0 ? "" : ":" + base.getPort()) + "/...");
            }
            String path = base.getRawPath() == null ? "" : base.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            if (path.endsWith(API_PATH)) {
                path = path.substring(0, path.length() - API_PATH.length());
            }
            String authority = base.getHost().contains(":") && !base.getHost().startsWith("[")
                    ? "[" + base.getHost() + "]" : base.getHost();
            return URI.create("https://" + authority + (base.getPort() < 0 ? "" : ":" + base.getPort()) + path
                    + API_PATH);
        }
    }
}
