// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.testsupport;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.apache.cloudstack.framework.async.AsyncCompletionCallback;

/** Records every completion: CloudStack's callers block forever unless a driver completes exactly once. */
public final class RecordingCallback<T> implements AsyncCompletionCallback<T> {
    private final List<T> results = new ArrayList<>();

    @Override
    public synchronized void complete(T resultObject) {
        results.add(resultObject);
    }

    /** The one result; fails unless the callback completed exactly once. */
    public synchronized T single() {
        assertEquals("callback completions", 1, results.size());
        return results.get(0);
    }
}
