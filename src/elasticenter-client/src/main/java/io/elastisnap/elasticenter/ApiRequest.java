// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One API call: a command and its parameters, validated when added. Values may hold anything printable
 * ({@code & = / @ % +}, spaces, any Unicode) and are percent-encoded as UTF-8; control characters and broken
 * UTF-16 are refused before anything is sent. The API key is not part of a request: {@link #uri} appends it (and
 * {@code response=json}) last, and {@link #toString()} shows command and parameters only. Secret parameters (a CHAP
 * secret) are {@link Secret}s: only {@link #uri} reveals them; {@link #loggableUri} and {@link #toString()} mask them.
 */
final class ApiRequest {
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
    // Added by the transport; a caller must not be able to override or duplicate them.
    private static final Set<String> RESERVED = Set.of("command", "apikey", "response", "signature");
    // Tomcat's default request-line limit is 8 KiB; refuse early and clearly instead of getting a 400.
    private static final int MAX_URI_LENGTH = 7 * 1024;

    private final ApiCommand command;
    private final Map<String, String> parameters;
    private final Map<String, Secret> secretParameters;

    private ApiRequest(ApiCommand command, Map<String, String> parameters, Map<String, Secret> secretParameters) {
        this.command = command;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.secretParameters = Collections.unmodifiableMap(secretParameters);
    }

    static Builder to(ApiCommand command) {
        return new Builder(command);
    }

    ApiCommand command() {
        return command;
    }

    Map<String, String> parameters() {
        return parameters;
    }

    /**
     * {@code endpoint?command=..&<parameters>&apiKey=<key>&response=json}, every name and value encoded: what is sent,
     * secrets revealed.
     */
    URI uri(URI endpoint, Secret apiKey) {
        return uri(endpoint, apiKey.reveal(), true);
    }

    /** The URL as {@link #uri} builds it, with the key and every secret parameter masked. */
    URI loggableUri(URI endpoint) {
        return uri(endpoint, Secret.mask(), false);
    }

    private URI uri(URI endpoint, String apiKey, boolean revealSecrets) {
        StringBuilder query = encodedQuery(command, parameters);
        secretParameters.forEach((name, value) -> append(query, name, revealSecrets ? value.reveal() : Secret.mask()));
        append(query, "apiKey", apiKey);
        append(query, "response", "json");
        String uri = endpoint + "?" + query;
        if (uri.length() > MAX_URI_LENGTH) {
            throw new IllegalArgumentException(command + ": request URL of " + uri.length()
                    + " characters exceeds " + MAX_URI_LENGTH + "; a parameter value is far too long");
        }
        return URI.create(uri);
    }

    private static StringBuilder encodedQuery(ApiCommand command, Map<String, String> parameters) {
        StringBuilder query = new StringBuilder(128);
        append(query, "command", command.wireName());
        parameters.forEach((name, value) -> append(query, name, value));
        return query;
    }

    private static void append(StringBuilder query, String name, String value) {
        if (query.length() > 0) {
            query.append('&');
        }
        query.append(encode(name)).append('=').append(encode(value));
    }

    // Form encoding writes a space as '+'; %20 means space in every decoder (a literal '+' becomes %2B first).
    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code text} with every secret parameter's value (as sent, and URL-encoded) masked. */
    String maskSecretsIn(String text) {
        if (text == null || secretParameters.isEmpty()) {
            return text;
        }
        String masked = text;
        for (Secret secret : secretParameters.values()) {
            String value = secret.reveal();
            masked = masked.replace(value, Secret.mask()).replace(encode(value), Secret.mask())
                    .replace(URLEncoder.encode(value, StandardCharsets.UTF_8), Secret.mask());
        }
        return masked;
    }

    @Override
    public String toString() {
        if (secretParameters.isEmpty()) {
            return command + parameters.toString();
        }
        Map<String, String> shown = new LinkedHashMap<>(parameters);
        secretParameters.keySet().forEach(name -> shown.put(name, Secret.mask()));
        return command + shown.toString();
    }

    /** Collects parameters in sending order; every check names the command and the parameter. */
    static final class Builder {
        private final ApiCommand command;
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private final Map<String, Secret> secretParameters = new LinkedHashMap<>();

        private Builder(ApiCommand command) {
            this.command = Objects.requireNonNull(command, "command");
        }

        /** A required parameter: null or blank is refused. */
        Builder param(String name, String value) {
            checkName(name);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(command + ": parameter '" + name + "' must not be "
                        + (value == null ? "null" : "blank"));
            }
            checkValue(name, value);
            parameters.put(name, value);
            return this;
        }

        /** An optional parameter: null is left out, as the server's other clients do. */
        Builder optionalParam(String name, String value) {
            return value == null ? this : param(name, value);
        }

        /** A credential parameter: sent, never shown ({@link ApiRequest#toString()}, {@link #loggableUri}). */
        Builder secretParam(String name, Secret value) {
            checkName(name);
            Objects.requireNonNull(value, name);
            checkValue(name, value.reveal());
            secretParameters.put(name, value);
            return this;
        }

        Builder params(Map<String, String> values) {
            values.forEach(this::param);
            return this;
        }

        /** Refuses a request whose parameters alone cannot fit a URL, so nothing of an operation is sent. */
        ApiRequest build() {
            StringBuilder query = encodedQuery(command, parameters);
            secretParameters.forEach((name, value) -> append(query, name, value.reveal()));
            if (query.length() > MAX_URI_LENGTH) {
                throw new IllegalArgumentException(command + ": the encoded parameters take " + query.length()
                        + " characters, which exceeds the " + MAX_URI_LENGTH + " a request URL may hold; a parameter value is far too long");
            }
            return new ApiRequest(command, new LinkedHashMap<>(parameters), new LinkedHashMap<>(secretParameters));
        }

        private void checkName(String name) {
            if (name == null || !PARAMETER_NAME.matcher(name).matches()
                    || RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(command + ": '" + name + "' is not a usable parameter name");
            }
        }

        private void checkValue(String name, String value) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (Character.isISOControl(c)) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "%s: parameter '%s' contains the control character U+%04X at index %d", command, name,
                            (int) c, i));
                }
                if (Character.isHighSurrogate(c) && i + 1 < value.length()
                        && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new IllegalArgumentException(command + ": parameter '" + name
                            + "' contains a broken UTF-16 surrogate at index " + i);
                }
            }
        }
    }
}
