// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.demo;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.elastisnap.cli.RunEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** The demo end to end on libvirt's test driver and the simulator, and how it refuses to run without a guest. */
public class DemoTest {

    /** What one demo run printed and returned. */
    static final class Run {
        final int exitCode;
        final String out;
        final String err;

        Run(int exitCode, String out, String err) {
            this.exitCode = exitCode;
            this.out = out;
            this.err = err;
        }

        JsonArray steps() {
            JsonObject doc = JsonParser.parseString(out).getAsJsonObject();
            assertTrue(doc.get("ok").getAsBoolean());
            return doc.getAsJsonObject("result").getAsJsonArray("steps");
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = DemoMain.run(args, new RunEnvironment(o, e, env));
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    public void theWholeCycleRunsAndBothRollbackGuardsHold() {
        Run r = run(Map.of(), "--test-driver", "--json");
        assertEquals(r.toString(), 0, r.exitCode);
        JsonArray steps = r.steps();
        List<Integer> codes = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        steps.forEach(s -> {
            codes.add(s.getAsJsonObject().get("exitCode").getAsInt());
            commands.add(s.getAsJsonObject().get("command").getAsString().split(" ")[1]);
        });
        assertEquals(List.of("doctor", "create", "create", "list", "rollback", "rollback", "rollback", "delete", "list"), commands);
        assertEquals(List.of(0, 0, 0, 0, 5, 5, 0, 0, 0), codes);
    }

    @Test
    public void onTheTestDriverNothingClaimsAFreeze() {
        Run json = run(Map.of(), "--test-driver", "--json");
        assertEquals(json.toString(), 0, json.exitCode);
        for (int create : new int[] {1, 2}) {
            JsonObject result = json.steps().get(create).getAsJsonObject().getAsJsonObject("result");
            assertEquals("CRASH_CONSISTENT", result.get("consistencyLevel").getAsString());
            assertEquals("OFF", result.get("policy").getAsString());
        }

        Run human = run(Map.of(), "--test-driver");
        assertEquals(human.toString(), 0, human.exitCode);
        assertFalse(human.out, human.out.contains("FS_FROZEN"));
        assertTrue(human.out, human.out.contains("NO GUEST IS FROZEN in this run"));
        assertTrue(human.out, human.out.contains("CRASH_CONSISTENT (nothing frozen)"));
        assertTrue(human.out, human.out.contains("No guest was frozen: run it without --test-driver to see a real freeze"));
    }

    @Test
    public void humanOutputNarratesEveryStepWithTheCommandItStandsFor() {
        Run r = run(Map.of(), "--test-driver");
        assertEquals(r.toString(), 0, r.exitCode);
        assertTrue(r.out, r.out.contains("domain i-2-10-VM with disks vda, vdb"));
        assertTrue(r.out, r.out.contains("$ elastisnap create i-2-10-VM --disk vda="));
        assertTrue(r.out, r.out.contains("refused with exit 5, as it should be"));
        assertTrue(r.out, r.out.contains("vdb holds \"written before the first snapshot\" again: rollback restored the data"));
        assertTrue(r.out, r.out.contains("demo OK on libvirt's test driver"));
    }

    @Test
    public void withoutTheFixtureTheDefaultRunRefusesAndNamesBothWaysOut() {
        Run r = run(Map.of("ELASTISNAP_E2E_DIR", "/nonexistent/elastisnap-e2e"));

        assertEquals(r.toString(), 2, r.exitCode);
        assertTrue(r.err, r.err.startsWith("error: no real-guest fixture is running (no usable fixture.env in"
                + " /nonexistent/elastisnap-e2e) — fix: run resources/scripts/demo.sh"));
        assertTrue(r.err, r.err.contains("--test-driver"));
        assertTrue("no step ran: " + r.out, r.out.isEmpty());
    }

    @Test
    public void helpListsOnlyTheDemosOwnOptions() {
        Run help = run(Map.of(), "--help");
        assertEquals(0, help.exitCode);
        for (String ignored : new String[] {"--url", "--api-key-file", "--config", "--libvirt-uri", "--state-dir", "--real-guest"}) {
            assertFalse(ignored + " in\n" + help.out, help.out.contains(ignored));
        }
        assertTrue(help.out, help.out.contains("--test-driver"));

        Run connection = run(Map.of(), "--url", "https://elasticenter.example.com");
        assertEquals(connection.toString(), 2, connection.exitCode);
        assertTrue(connection.err, connection.err.startsWith("error: Unknown options: '--url'"));
    }
}
