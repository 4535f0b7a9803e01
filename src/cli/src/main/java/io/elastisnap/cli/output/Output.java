// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.output;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.cli.CliException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where a command's output goes. Human mode: results on stdout, progress and warnings on stderr (so stdout stays
 * pipeable). JSON mode ({@code --json}): exactly one JSON document on stdout, nothing on stderr unless --debug.
 *
 * <p>JSON envelope (stable, schemaVersion 1): {@code {"schemaVersion":1,"command":..,"ok":true|false,"exitCode":n,
 * "warnings":[..],"result":{..}}} on success, {@code "error":{"kind":..,"message":..,"fix":..}} instead of
 * {@code result} on failure.
 */
public final class Output {
    public static final int SCHEMA_VERSION = 1;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();

    private final PrintStream out;
    private final PrintStream err;
    private final boolean json;
    private final List<String> warnings = new ArrayList<>();

    public Output(PrintStream out, PrintStream err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    public boolean json() {
        return json;
    }

    /** A step of a long operation, shown as it starts (human mode only). */
    public void progress(String message) {
        if (!json) {
            err.println("> " + message);
            err.flush();
        }
    }

    /** Something the operator should know; the command goes on. */
    public synchronized void warn(String message) {
        warnings.add(message);
        if (!json) {
            err.println("warning: " + message);
            err.flush();
        }
    }

    /** The human rendering of a result, written to stdout (ignored in JSON mode). */
    public void human(Consumer<PrintStream> renderer) {
        if (!json) {
            renderer.accept(out);
            out.flush();
        }
    }

    /** The JSON result document (ignored in human mode). */
    public void result(String command, int exitCode, JsonObject result) {
        if (json) {
            JsonObject doc = envelope(command, exitCode);
            doc.add("result", result);
            print(doc);
        }
    }

    /** Reports a failure: one line on stderr, or the JSON error document on stdout. */
    public void error(String command, CliException e) {
        if (json) {
            JsonObject doc = envelope(command, e.exitCode().code());
            JsonObject error = new JsonObject();
            error.addProperty("kind", e.exitCode().kind());
            error.addProperty("message", e.getMessage());
            error.addProperty("fix", e.fix());
            doc.add("error", error);
            print(doc);
        } else {
            err.println("error: " + e.oneLine());
            err.flush();
        }
    }

    private JsonObject envelope(String command, int exitCode) {
        JsonObject doc = new JsonObject();
        doc.addProperty("schemaVersion", SCHEMA_VERSION);
        doc.addProperty("command", command);
        doc.addProperty("ok", exitCode == 0);
        doc.addProperty("exitCode", exitCode);
        JsonArray w = new JsonArray();
        synchronized (this) {
            warnings.forEach(w::add);
        }
        doc.add("warnings", w);
        return doc;
    }

    private void print(JsonObject doc) {
        out.println(GSON.toJson(doc));
        out.flush();
    }
}
