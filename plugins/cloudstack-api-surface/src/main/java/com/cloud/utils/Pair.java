// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.utils;

import java.io.Serializable;

public class Pair<T, U> implements Serializable {
    private T first;
    private U second;

    public Pair(T t, U u) {
        this.first = t;
        this.second = u;
    }

    public T first() {
        return first;
    }

    public U second() {
        return second;
    }
}
