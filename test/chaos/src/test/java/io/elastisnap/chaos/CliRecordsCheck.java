// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import io.elastisnap.cli.CliContext;
import io.elastisnap.cli.CliException;
import io.elastisnap.cli.config.ConfigFile;
import io.elastisnap.cli.libvirt.LibvirtHost;
import io.elastisnap.cli.ops.ListOperation;
import io.elastisnap.cli.ops.ReconcileOperation;
import io.elastisnap.cli.output.Output;
import io.elastisnap.cli.store.RecordStore;
import io.elastisnap.cli.store.SnapshotSet;
import io.elastisnap.cli.store.VolumeRecord;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.simulator.ElastiCenterSimulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * After every CLI operation: the CLI's list (records joined with the array) must be in sync, or, when a failure left
 * drift, the CLI's reconcile must restore it; then an independent comparison of the record store with the simulator's
 * own state must hold. Drift is counted by kind under {@code <section>.drift.*}.
 */
final class CliRecordsCheck {
    private final String section;
    private final RecordStore store;
    private final ConfigFile config;
    private final LibvirtHost libvirt;
    private final ElastiCenterClient client;
    private final ElastiCenterSimulator sim;
    private final Collection<String> volumeIds;
    private final List<String> violations;

    CliRecordsCheck(String section, RecordStore store, ConfigFile config, LibvirtHost libvirt, ElastiCenterClient client,
                    ElastiCenterSimulator sim, Collection<String> volumeIds, List<String> violations) {
        this.section = section;
        this.store = store;
        this.config = config;
        this.libvirt = libvirt;
        this.client = client;
        this.sim = sim;
        this.volumeIds = volumeIds;
        this.violations = violations;
    }

    /** The record store and the freeze journal are serializations the CLI writes: they must not hold the key. */
    private void scanStateFiles() {
        try (var files = java.nio.file.Files.walk(store.directory())) {
            for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files.filter(java.nio.file.Files::isRegularFile)::iterator) {
                SecretScanner.scan("state-files", java.nio.file.Files.readString(f, StandardCharsets.ISO_8859_1));
            }
        } catch (java.io.IOException e) {
            violations.add("cannot read the state directory " + store.directory() + ": " + e);
        }
    }

    void check(int index, String what, boolean lateExecutionPossible) throws InterruptedException {
        if (lateExecutionPossible) {
            // a request the client gave up on may still execute on the array: reconcile after it is done
            Thread.sleep(ArrayFaultPlan.LONGEST_LATENCY.toMillis() + 100);
        }
        Output quiet = new Output(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
        try (CliContext ctx = CliContext.embedded(quiet, store, config, libvirt, client, Clock.systemUTC())) {
            ListOperation.Result listed = new ListOperation(ctx).run(null, false);
            if (!listed.inSync()) {
                long interrupted = listed.rows().stream().filter(r -> r.set().state() != SnapshotSet.State.COMPLETE).count();
                ChaosReport.count(section + ".drift.afterOperation");
                ChaosReport.add(section + ".drift.interruptedSets", interrupted);
                ChaosReport.add(section + ".drift.notRecorded", listed.notRecorded().size());
                ChaosReport.add(section + ".drift.missingOnArray", listed.missingOnArray());
                if (!lateExecutionPossible && (!listed.notRecorded().isEmpty() || listed.missingOnArray() > 0)) {
                    violations.add("op " + index + ": records and array disagree without a late-executing request after "
                            + what + ": not recorded " + listed.notRecorded() + ", missing " + listed.missingOnArray());
                }
                ReconcileOperation.Result r = new ReconcileOperation(ctx).run(null, true, true);
                ChaosReport.count(section + ".reconcile.runs");
                if (!r.inSync()) {
                    violations.add("op " + index + ": reconcile left drift after " + what);
                }
            }
        } catch (CliException e) {
            SecretScanner.scan("exception", e);
            violations.add("op " + index + ": list/reconcile failed without faults: " + e.oneLine());
        }
        scanStateFiles();
        for (String volumeId : volumeIds) {
            Set<String> onArray = sim.snapshotPaths(volumeId).stream().map(p -> p.substring(p.indexOf('@') + 1))
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> recorded = store.read().stream().flatMap(s -> s.volumes().stream())
                    .filter(v -> v.volumeId().equals(volumeId)).map(VolumeRecord::snapshotName)
                    .collect(Collectors.toCollection(TreeSet::new));
            if (!onArray.equals(recorded)) {
                ChaosReport.count(section + ".orphansOrGhostsAfterReconcile");
                violations.add("op " + index + ": volume " + volumeId + " array " + onArray + " records " + recorded
                        + " after " + what);
            }
        }
    }
}
