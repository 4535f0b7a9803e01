// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.demo;

import static org.junit.Assert.assertEquals;
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

/** The embedded demo end to end on libvirt's test driver and the simulator. */
public class DemoTest {

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = DemoMain.run(args, new RunEnvironment(o, e, Map.of()));
        }
        return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    public void theWholeCycleRunsAndBothRollbackGuardsHold() {
        String[] r = run("--test-driver", "--json");
        assertEquals(r[1] + r[2], "0", r[0]);
        JsonObject doc = JsonParser.parseString(r[1]).getAsJsonObject();
        assertTrue(doc.get("ok").getAsBoolean());
        JsonArray steps = doc.getAsJsonObject("result").getAsJsonArray("steps");
        List<Integer> codes = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        steps.forEach(s -> {
            codes.add(s.getAsJsonObject().get("exitCode").getAsInt());
            commands.add(s.getAsJsonObject().get("command").getAsString().split(" ")[1]);
        });
        assertEquals(List.of("doctor", "create", "create", "list", "rollback", "rollback", "rollback", "delete", "list"), commands);
        assertEquals(List.of(0, 0, 0, 0, 5, 5, 0, 0, 0), codes);
        JsonObject created = steps.get(1).getAsJsonObject().getAsJsonObject("result");
        assertEquals("FS_FROZEN", created.get("consistencyLevel").getAsString());
    }

    @Test
    public void humanOutputNarratesEveryStepWithTheCommandItStandsFor() {
        String[] r = run("--test-driver");
        assertEquals(r[1] + r[2], "0", r[0]);
        String out = r[1];
        assertTrue(out, out.contains("domain i-2-10-VM with disks vda, vdb"));
        assertTrue(out, out.contains("$ elastisnap create i-2-10-VM --disk vda="));
        assertTrue(out, out.contains("refused with exit 5, as it should be"));
        assertTrue(out, out.contains("vdb holds \"written before the first snapshot\" again: rollback restored the data"));
        assertTrue(out, out.contains("demo OK"));
    }
}
