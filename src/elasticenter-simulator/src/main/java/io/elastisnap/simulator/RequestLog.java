// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The API requests a simulator received, oldest first, for asserting call sequences. Never holds the API key.
 * Keeps the newest {@value #CAPACITY} requests so a long-running simulator does not grow without bound.
 */
public final class RequestLog {
    public static final int CAPACITY = 10_000;

    private final Deque<RecordedRequest> entries = new ArrayDeque<>();

    synchronized void add(RecordedRequest request) {
        if (entries.size() == CAPACITY) {
            entries.removeFirst();
        }
        entries.addLast(request);
    }

    /** A snapshot of every recorded request. */
    public synchronized List<RecordedRequest> entries() {
        return List.copyOf(entries);
    }

    /** The command names in arrival order. */
    public synchronized List<String> commands() {
        return entries.stream().map(RecordedRequest::command).collect(Collectors.toList());
    }

    /** How many requests named {@code command}. */
    public synchronized int count(String command) {
        return (int) entries.stream().filter(e -> command.equals(e.command())).count();
    }

    /** The requests named {@code command}, oldest first. */
    public synchronized List<RecordedRequest> of(String command) {
        return entries.stream().filter(e -> command.equals(e.command())).collect(Collectors.toList());
    }

    public synchronized void clear() {
        entries.clear();
    }

    @Override
    public synchronized String toString() {
        return commands().toString();
    }
}
