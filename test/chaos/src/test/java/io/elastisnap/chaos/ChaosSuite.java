// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import static org.junit.Assert.assertEquals;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.runner.RunWith;
import org.junit.runners.Suite;

/**
 * The whole chaos and abuse suite in a fixed order, in one JVM, so the closing report and the API-key count cover
 * every test (surefire runs only this class; a single test class can still be run with -Dtest=...).
 */
@RunWith(Suite.class)
@Suite.SuiteClasses({
        FuzzedResponsesTest.class,
        HostileInputTest.class,
        ChapSecretAuditTest.class,
        TlsTrustTest.class,
        EngineFaultScheduleTest.class,
        CliFaultScheduleTest.class,
        CrashRestartTest.class,
        PoolLedgerChaosTest.class,
        RealGuestFaultScheduleTest.class
})
public class ChaosSuite {
    @BeforeClass
    public static void captureAllLogs() {
        SecretScanner.installLogCapture();
        System.out.println("chaos suite: seed " + ChaosSettings.SEED + ", ops " + ChaosSettings.OPS + ", duration bound "
                + ChaosSettings.DURATION + ", fuzz cases " + ChaosSettings.FUZZ_CASES + ", crashes " + ChaosSettings.CRASHES
                + ", real-guest ops " + (ChaosSettings.E2E ? ChaosSettings.REAL_GUEST_OPS : "0 (no -Delastisnap.e2e=true)"));
    }

    @AfterClass
    public static void reportAndCheckSecrets() {
        ChaosReport.publish("chaos suite, seed " + ChaosSettings.SEED);
        System.out.println(summary());
        System.out.println("API key occurrences across logs, exceptions, serializations and CLI output: "
                + SecretScanner.leaks() + " (log events scanned: " + ChaosReport.get("secrets.logEvents") + ")");
        assertEquals("the API key leaked: " + SecretScanner.leakSamples(), 0, SecretScanner.leaks());
    }

    /** The closing numbers the issue asks for, from the counters of every test. */
    static String summary() {
        long scheduled = ChaosReport.get("engine.operations") + ChaosReport.get("cli.operations")
                + ChaosReport.get("real.operations");
        long killed = ChaosReport.get("crash.engine.kills") + ChaosReport.get("crash.cli.kills");
        long leaks = ChaosReport.get("engine.frozenGuestLeaks") + ChaosReport.get("cli.frozenGuestLeaks")
                + ChaosReport.get("real.frozenGuestLeaks") + ChaosReport.get("crash.engine.frozenGuestLeaks");
        long orphans = ChaosReport.get("engine.orphans") + ChaosReport.get("engine.recordedButMissing")
                + ChaosReport.get("cli.orphansOrGhostsAfterReconcile") + ChaosReport.get("real.orphansOrGhostsAfterReconcile")
                + ChaosReport.get("crash.cli.orphansOrGhostsAfterReconcile");
        long maxWindow = Math.max(ChaosReport.maxOf("engine.maxObservedFrozenWindowMillis"),
                Math.max(ChaosReport.maxOf("cli.maxReportedFrozenWindowMillis"), ChaosReport.maxOf("real.maxReportedFrozenWindowMillis")));
        return "==== summary (seed " + ChaosSettings.SEED + ") ====\n"
                + "operations: " + (scheduled + killed * 2) + " (fault schedule: engine " + ChaosReport.get("engine.operations")
                + ", CLI " + ChaosReport.get("cli.operations") + ", real guest " + ChaosReport.get("real.operations")
                + "; kill -9 rounds: " + killed + " killed runs + " + killed + " restarts)\n"
                + "faults injected by kind: " + ChaosReport.section("all.faults.") + "\n"
                + "fuzzed ElastiCenter answers: " + ChaosReport.get("fuzz.cases") + " " + ChaosReport.section("fuzz.outcome.") + "\n"
                + "frozen-guest leaks: " + leaks + "\n"
                + "orphans or ghost records after reconcile: " + orphans + " (drift repaired by reconcile: CLI "
                + ChaosReport.get("cli.reconcile.runs") + " runs, real " + ChaosReport.get("real.reconcile.runs")
                + ", engine leftovers " + (ChaosReport.get("engine.reconcile.deletedReportedLeftovers")
                + ChaosReport.get("engine.reconcile.deletedLateCreatedOrphans")) + ", after kills "
                + ChaosReport.get("crash.cli.reconcile.resolvedInterruptedSets") + " interrupted sets)\n"
                + "max observed frozen window: " + maxWindow + " ms (asserted at most " + EngineFaultScheduleTest.ASSERTED_BOUND
                + "; guest-side max " + ChaosReport.maxOf("engine.maxObservedFrozenWindowMillis") + " ms)\n"
                + "kill -9 while frozen: " + ChaosReport.get("crash.engine.thawedByTheGuardWithoutRestart") + " thawed by the"
                + " thaw guard without a restart (frozen max " + ChaosReport.maxOf("crash.engine.maxFrozenWithoutRestartMillis")
                + " ms, asserted at most " + EngineFaultScheduleTest.ASSERTED_BOUND + "; kill to thaw max "
                + ChaosReport.maxOf("crash.engine.maxKillToThawByGuardMillis") + " ms; past the limit: "
                + ChaosReport.get("crash.engine.frozenPastTheBoundWithoutRestart") + "), "
                + ChaosReport.get("crash.engine.killedWithItsGuardWhileGuestFrozen") + " with the guard killed too, thawed by"
                + " the restart (frozen until then: max " + ChaosReport.maxOf("crash.engine.maxFrozenUntilRecoveredMillis") + " ms)\n"
                + "API key occurrences: " + SecretScanner.leaks();
    }
}
