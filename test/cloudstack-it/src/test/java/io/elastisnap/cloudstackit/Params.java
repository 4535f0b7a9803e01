// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstackit;

import java.util.LinkedHashMap;
import java.util.Map;

/** API parameters written as key, value, key, value...; a null value leaves the parameter out. */
final class Params {
    private Params() {
    }

    static Map<String, String> of(String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("parameters come in key/value pairs");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                params.put(keyValues[i], keyValues[i + 1]);
            }
        }
        return params;
    }
}
