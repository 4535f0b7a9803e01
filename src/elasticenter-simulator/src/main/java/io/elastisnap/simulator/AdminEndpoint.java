// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.elastisnap.simulator.LoopbackHttpsServer.Reply;
import io.elastisnap.simulator.LoopbackHttpsServer.Request;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Test control over HTTPS for the runnable jar: {@code /admin/faults}, {@code /admin/requests},
 * {@code /admin/defaults}, {@code /admin/volumes}. Authenticated with the API key in an {@code X-Api-Key} header or
 * an {@code apiKey} query parameter. Answers are JSON.
 */
final class AdminEndpoint {
    private static final String JSON = "application/json; charset=UTF-8";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private final ElastiCenterSimulator simulator;
    private final ApiCommands.Secrets secrets;

    AdminEndpoint(ElastiCenterSimulator simulator, ApiCommands.Secrets secrets) {
        this.simulator = simulator;
        this.secrets = secrets;
    }

    Reply handle(Request request) {
        Map<String, String> query = Params.decode(request.query);
        String key = request.header("X-Api-Key") != null ? request.header("X-Api-Key") : query.get("apikey");
        if (!secrets.matches(key)) {
            return error(401, "missing or wrong API key (X-Api-Key header or apiKey parameter)");
        }
        try {
            String route = request.method + " " + request.path;
            switch (route) {
                case "GET /admin/faults":
                    return ok(faultsJson());
                case "POST /admin/faults":
                    injectFault(parseBody(request));
                    return reply(201, faultsJson());
                case "DELETE /admin/faults":
                    if (query.get("command") != null) {
                        simulator.faults().clear(query.get("command"));
                    } else {
                        simulator.faults().clear();
                    }
                    return ok(faultsJson());
                case "GET /admin/requests":
                    return ok(requestsJson());
                case "DELETE /admin/requests":
                    simulator.requestLog().clear();
                    return ok(requestsJson());
                case "GET /admin/defaults":
                    return ok(GSON.toJsonTree(simulator.defaults()).getAsJsonObject());
                case "POST /admin/volumes":
                    return reply(201, provision(parseBody(request)));
                default:
                    return error(404, "no admin route " + route
                            + "; routes: GET|POST|DELETE /admin/faults, GET|DELETE /admin/requests,"
                            + " GET /admin/defaults, POST /admin/volumes");
            }
        } catch (IllegalArgumentException | IllegalStateException | JsonParseException e) {
            return error(400, e.getMessage());
        }
    }

    /** Body: {"command": "...", "fault": "latency|error|hang|connectionReset|malformedJson|truncatedJson|jobStaysPending", "millis": n, "code": n, "text": "...", "times": n}. */
    private void injectFault(JsonObject body) {
        String command = string(body, "command");
        String kind = string(body, "fault").toLowerCase(Locale.ROOT).replace("_", "");
        Fault fault;
        switch (kind) {
            case "latency":
                fault = Fault.latency(Duration.ofMillis(number(body, "millis")));
                break;
            case "error":
                fault = Fault.error((int) number(body, "code"), string(body, "text"));
                break;
            case "hang":
                fault = Fault.hang();
                break;
            case "connectionreset":
                fault = Fault.connectionReset();
                break;
            case "malformedjson":
                fault = Fault.malformedJson();
                break;
            case "truncatedjson":
                fault = Fault.truncatedJson();
                break;
            case "jobstayspending":
                fault = Fault.jobStaysPending();
                break;
            default:
                throw new IllegalArgumentException("unknown fault '" + kind + "': use latency, error, hang,"
                        + " connectionReset, malformedJson, truncatedJson or jobStaysPending");
        }
        if (body.has("times")) {
            fault = fault.times((int) number(body, "times"));
        }
        simulator.faults().inject(command, fault);
    }

    private JsonObject provision(JsonObject body) {
        String name = string(body, "name");
        long bytes;
        if (body.has("sizeBytes")) {
            bytes = number(body, "sizeBytes");
        } else {
            bytes = SizeUnits.parse(string(body, "size"));
            if (bytes <= 0) {
                throw new IllegalArgumentException("size must look like 10G, 1T or 512M");
            }
        }
        SimVolume volume = simulator.provisionVolume(name, bytes);
        JsonObject o = new JsonObject();
        o.addProperty("id", volume.id());
        o.addProperty("name", volume.name());
        o.addProperty("zfsPath", volume.zfsPath());
        o.addProperty("iqn", volume.iqn());
        o.addProperty("sizeBytes", volume.sizeBytes());
        o.addProperty("imagePath", volume.imagePath() == null ? null : volume.imagePath().toString());
        return o;
    }

    private JsonObject faultsJson() {
        JsonObject faults = new JsonObject();
        simulator.faults().active().forEach((command, list) -> {
            JsonArray array = new JsonArray();
            list.forEach(f -> array.add(f.toString()));
            faults.add(command, array);
        });
        JsonObject o = new JsonObject();
        o.add("faults", faults);
        return o;
    }

    private JsonObject requestsJson() {
        JsonArray requests = new JsonArray();
        simulator.requestLog().entries().forEach(entry -> {
            JsonObject item = new JsonObject();
            item.addProperty("command", entry.command());
            item.add("parameters", GSON.toJsonTree(entry.parameters()));
            requests.add(item);
        });
        JsonObject o = new JsonObject();
        o.add("requests", requests);
        return o;
    }

    private static JsonObject parseBody(Request request) {
        String text = new String(request.body, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw new IllegalArgumentException("a JSON body is required");
        }
        return JsonParser.parseString(text).getAsJsonObject();
    }

    private static String string(JsonObject body, String name) {
        if (!body.has(name) || body.get(name).isJsonNull()) {
            throw new IllegalArgumentException("missing field '" + name + "'");
        }
        return body.get(name).getAsString();
    }

    private static long number(JsonObject body, String name) {
        try {
            return Long.parseLong(string(body, name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field '" + name + "' must be a whole number");
        }
    }

    private static Reply ok(JsonObject body) {
        return reply(200, body);
    }

    private static Reply reply(int status, JsonObject body) {
        return Reply.send(status, JSON, GSON.toJson(body).getBytes(StandardCharsets.UTF_8), null);
    }

    private Reply error(int status, String text) {
        JsonObject o = new JsonObject();
        o.addProperty("error", secrets.redact(text));
        return Reply.send(status, JSON, GSON.toJson(o).getBytes(StandardCharsets.UTF_8), secrets.redact(text));
    }
}
