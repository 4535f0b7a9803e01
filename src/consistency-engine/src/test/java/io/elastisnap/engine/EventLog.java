// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.ArrayList;
import java.util.List;

/** Ordered record of what the fakes were asked to do, shared by guest and array to check the sequence. */
public final class EventLog {
    private final List<String> events = new ArrayList<>();

    public synchronized void add(String event) {
        events.add(event);
    }

    public synchronized List<String> events() {
        return new ArrayList<>(events);
    }

    public synchronized int indexOf(String event) {
        return events.indexOf(event);
    }

    public synchronized int lastIndexOfPrefix(String prefix) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    public synchronized int firstIndexOfPrefix(String prefix) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    public synchronized long count(String prefix) {
        return events.stream().filter(e -> e.startsWith(prefix)).count();
    }
}
