// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded random ElastiCenter faults for one operation, injected into the simulator and counted by kind. */
final class ArrayFaultPlan {
    private final String section;
    private final List<String> commands;

    /**
     * @param section  report prefix ("engine", "cli")
     * @param commands the API commands the operations of this track send (faults go where they can fire)
     */
    ArrayFaultPlan(String section, List<String> commands) {
        this.section = section;
        this.commands = commands;
    }

    /** The longest latency {@link #inject} adds: a request may still execute on the array this long after it was sent. */
    static final Duration LONGEST_LATENCY = Duration.ofMillis(1700);

    /** Injects 0-3 faults; returns their descriptions. */
    List<String> inject(ElastiCenterSimulator sim, Random random) {
        List<String> injected = new ArrayList<>();
        int count = random.nextInt(10) < 2 ? 0 : 1 + random.nextInt(random.nextInt(10) == 0 ? 3 : 2);
        for (int i = 0; i < count; i++) {
            String command = commands.get(random.nextInt(commands.size()));
            String kind;
            Fault fault;
            switch (random.nextInt(9)) {
                case 0:
                    kind = "latencyShort";
                    fault = Fault.latency(Duration.ofMillis(20 + random.nextInt(300)));
                    break;
                case 1:
                    kind = "latencyBeyondWindow";
                    fault = Fault.latency(Duration.ofMillis(1100 + random.nextInt(600)));
                    break;
                case 2:
                    int[] codes = {530, 431, 500, 503, 401};
                    int code = codes[random.nextInt(codes.length)];
                    kind = "error" + code;
                    fault = Fault.error(code, code == 431 ? "Unable to execute API command due to invalid value"
                            : "chaos: internal error " + random.nextInt(1000));
                    break;
                case 3:
                    kind = "hang";
                    fault = Fault.hang();
                    break;
                case 4:
                    kind = "connectionReset";
                    fault = Fault.connectionReset();
                    break;
                case 5:
                    kind = "malformedJson";
                    fault = Fault.malformedJson();
                    break;
                case 6:
                    kind = "truncatedJson";
                    fault = Fault.truncatedJson();
                    break;
                case 7:
                    kind = "jobStaysPending";
                    command = random.nextBoolean() ? "deleteFileSystem" : "queryAsyncJobResult";
                    fault = Fault.jobStaysPending();
                    break;
                default:
                    kind = "latencyShort";
                    fault = Fault.latency(Duration.ofMillis(random.nextInt(100)));
                    break;
            }
            int roll = random.nextInt(20);
            fault = roll < 12 ? fault.times(1) : roll < 17 ? fault.times(2) : fault;
            sim.faults().inject(command, fault);
            ChaosReport.count(section + ".faults.array." + kind);
            ChaosReport.count("all.faults.array." + kind);
            injected.add(command + ":" + kind + (roll >= 17 ? "(unlimited)" : ""));
        }
        return injected;
    }
}
