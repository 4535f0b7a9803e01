// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The parameters of an update command, which must change at least one thing. */
abstract class ChangeRequest {
    private final Map<String, String> parameters;

    ChangeRequest(String command, Map<String, String> changes) {
        if (changes.isEmpty()) {
            throw new IllegalArgumentException(command + " needs at least one change");
        }
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(changes));
    }

    final Map<String, String> parameters() {
        return parameters;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + parameters;
    }
}
