// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import io.elastisnap.transfer.ExportManifest;
import io.elastisnap.transfer.TransferRecovery;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** prune: retention of exports per domain ({@link ExportRetention}); {@code --dry-run} only says what it would do. */
public final class PruneOperation {
    /** What prune did (or would do) for each domain. */
    public static final class Result {
        private final boolean dryRun;
        private final Map<String, ExportRetention.Decision> decisions;
        private final Map<String, Long> freedBytes;

        Result(boolean dryRun, Map<String, ExportRetention.Decision> decisions, Map<String, Long> freedBytes) {
            this.dryRun = dryRun;
            this.decisions = decisions;
            this.freedBytes = freedBytes;
        }

        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("dryRun", dryRun);
            JsonArray domains = new JsonArray();
            decisions.forEach((domain, d) -> {
                JsonObject j = new JsonObject();
                j.addProperty("domain", domain);
                j.add("kept", array(d.keptByRule));
                j.add("keptAsBase", array(d.keptAsBase));
                j.add(dryRun ? "wouldDelete" : "deleted", array(d.delete));
                j.addProperty(dryRun ? "wouldFreeBytes" : "freedBytes", freedBytes.get(domain));
                domains.add(j);
            });
            o.add("domains", domains);
            return o;
        }

        public void print(PrintStream out) {
            decisions.forEach((domain, d) -> {
                out.println(domain + ": keep " + d.keptByRule.size() + (d.keptAsBase.isEmpty() ? ""
                        : " (+" + d.keptAsBase.size() + " base(s) a kept incremental export needs)") + ", "
                        + (dryRun ? "would delete " : "deleted ") + d.delete.size() + " ("
                        + Bytes.human(freedBytes.get(domain)) + ")");
                d.delete.forEach(n -> out.println("  " + (dryRun ? "would delete " : "deleted ") + n));
                d.keptAsBase.forEach(n -> out.println("  kept as base " + n));
            });
        }

        private static JsonArray array(List<String> names) {
            JsonArray a = new JsonArray();
            names.forEach(a::add);
            return a;
        }
    }

    public Result run(Path root, String domain, int keepLast, int keepDaily, int keepWeekly, boolean dryRun) {
        if (keepLast <= 0 && keepDaily <= 0 && keepWeekly <= 0) {
            throw new CliException(ExitCode.USAGE, "no retention rule: prune would delete every export",
                    "give --keep-last N, --keep-daily N and/or --keep-weekly N (N >= 1)");
        }
        if (!Files.isDirectory(root)) {
            throw new CliException(ExitCode.USAGE, "export directory " + root + " does not exist",
                    "give the directory 'elastisnap export --to' wrote to");
        }
        List<String> domains = domain != null ? List.of(domain) : ExportTree.domains(root);
        Map<String, ExportRetention.Decision> decisions = new LinkedHashMap<>();
        Map<String, Long> freed = new LinkedHashMap<>();
        for (String d : domains) {
            List<ExportTree.Export> exports = ExportTree.list(ExportTree.domainDir(root, d));
            List<ExportRetention.Item> items = new ArrayList<>();
            for (ExportTree.Export e : exports) {
                Set<String> bases = e.manifest.volumes.stream().filter(v -> v.baseExport != null)
                        .map(v -> v.baseExport).collect(Collectors.toCollection(HashSet::new));
                items.add(new ExportRetention.Item(e.name(), e.snapshotCreated(), bases));
            }
            ExportRetention.Decision decision = ExportRetention.decide(items, keepLast, keepDaily, keepWeekly);
            long bytes = 0;
            for (ExportTree.Export e : exports) {
                if (decision.delete.contains(e.name())) {
                    bytes += e.fileBytes();
                    if (!dryRun) {
                        delete(e.dir);
                    }
                }
            }
            decisions.put(d, decision);
            freed.put(d, bytes);
        }
        return new Result(dryRun, decisions, freed);
    }

    /** The manifest goes first, so an export interrupted while being deleted no longer counts as complete. */
    private static void delete(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(ExportManifest.FILE_NAME));
            TransferRecovery.deleteTree(dir);
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot delete export " + dir + ": " + e.getMessage(),
                    "check permissions on the export directory and run prune again");
        }
    }
}
