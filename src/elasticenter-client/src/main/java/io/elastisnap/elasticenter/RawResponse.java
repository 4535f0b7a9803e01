// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

/** An HTTP answer as it arrived: status, the {@code X-Description} error header, and the (size-capped) body bytes. */
final class RawResponse {
    private final int status;
    private final String reason;
    private final String xDescription;
    private final byte[] body;

    RawResponse(int status, String reason, String xDescription, byte[] body) {
        this.status = status;
        this.reason = reason == null ? "" : reason;
        this.xDescription = xDescription;
        this.body = body;
    }

    int status() {
        return status;
    }

    String reason() {
        return reason;
    }

    /** The server's error text header, or null. */
    String xDescription() {
        return xDescription;
    }

    byte[] body() {
        return body;
    }

    boolean isError() {
        return status < 200 || status >= 300;
    }

    @Override
    public String toString() {
        return "RawResponse[HTTP " + status + ", " + body.length + " bytes]";
    }
}
