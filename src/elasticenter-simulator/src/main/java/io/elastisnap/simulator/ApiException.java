// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import java.util.Locale;

/** An ElastiCenter error: rendered inside the command's envelope with HTTP status = errorcode. */
final class ApiException extends RuntimeException {
    static final int PARAMETER_ERROR = 431;
    static final int UNKNOWN_COMMAND = 432;
    static final int UNAUTHORIZED = 401;
    static final int INTERNAL_ERROR = 530;

    private final int code;

    ApiException(int code, String text) {
        super(text, null, false, false);
        this.code = code;
    }

    int code() {
        return code;
    }

    String text() {
        return getMessage();
    }

    static ApiException missingParameter(String command, String parameter) {
        return new ApiException(PARAMETER_ERROR, "Unable to execute API command " + command.toLowerCase(Locale.ROOT)
                + " due to missing parameter " + parameter.toLowerCase(Locale.ROOT) + ".");
    }

    // [INFERRED] CloudStack's text for an unknown uuid or an unparsable value; no ElastiCenter capture shows one.
    static ApiException invalidParameter(String command, String parameter, String value) {
        return new ApiException(PARAMETER_ERROR, "Unable to execute API command " + command.toLowerCase(Locale.ROOT)
                + " due to invalid value. Invalid parameter " + parameter.toLowerCase(Locale.ROOT) + " value=" + value
                + " due to incorrect long value format, or entity does not exist or due to incorrect parameter"
                + " annotation for the field in api cmd class.");
    }

    static ApiException failure(String text) {
        return new ApiException(INTERNAL_ERROR, text);
    }
}
