// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** One API request as the simulator received it, without the API key or signature parameters. */
public final class RecordedRequest {
    private final String command;
    private final Map<String, String> parameters;

    RecordedRequest(String command, Map<String, String> parameters) {
        this.command = command;
        Map<String, String> sorted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        sorted.putAll(parameters);
        this.parameters = Collections.unmodifiableMap(sorted);
    }

    /** The command name as sent (null when the request had no command parameter). */
    public String command() {
        return command;
    }

    /** Parameters other than command, apiKey, signature, signatureversion and expires; names case-insensitive. */
    public Map<String, String> parameters() {
        return parameters;
    }

    /** A parameter's value, looked up case-insensitively, or null. */
    public String parameter(String name) {
        return parameters.get(name);
    }

    @Override
    public String toString() {
        return command + parameters;
    }
}
