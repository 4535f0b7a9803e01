// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstackit;

/** An error answer of the management server: its error code and text (of the call or of its async job). */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int code;
    final String text;

    ApiError(String command, int code, String text) {
        super(command + " failed: " + code + " " + text);
        this.code = code;
        this.text = text == null ? "" : text;
    }
}
