// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.cli.CliContext;
import io.elastisnap.cli.output.Table;
import io.elastisnap.cli.store.FileLocks;
import io.elastisnap.cli.store.SnapshotNames;
import io.elastisnap.cli.store.SnapshotSet;
import io.elastisnap.cli.store.VolumeRecord;
import io.elastisnap.elasticenter.DatasetSnapshot;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.FileSystem;
import java.io.PrintStream;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * list: the record store joined with the array. Flags records whose snapshot is missing on the array, and array
 * snapshots named by us (prefix {@value SnapshotNames#PREFIX}) that no record knows: on every volume of the account
 * (every volume the API key sees) when all domains are listed, else on the volumes the records or the config file
 * give the domain. It says which volumes it scanned.
 */
public final class ListOperation {
    private final CliContext ctx;

    public ListOperation(CliContext ctx) {
        this.ctx = ctx;
    }

    /** One volume snapshot as listed. */
    public static final class Row {
        private final SnapshotSet set;
        private final VolumeRecord volume;
        private final Boolean onArray;
        private final String path;

        Row(SnapshotSet set, VolumeRecord volume, Boolean onArray, String path) {
            this.set = set;
            this.volume = volume;
            this.onArray = onArray;
            this.path = path;
        }

        public SnapshotSet set() {
            return set;
        }

        public VolumeRecord volume() {
            return volume;
        }

        /** Null when the array was not consulted. */
        public Boolean onArray() {
            return onArray;
        }

        public String status() {
            switch (set.state()) {
                case PENDING: return "pending";
                case DELETING: return "deleting";
                default: return onArray == null ? "not-checked" : onArray ? "ok" : "missing-on-array";
            }
        }
    }

    /** What list found. */
    public static final class Result {
        private final String domainFilter;
        private final boolean arrayChecked;
        private final List<Row> rows;
        private final List<DatasetSnapshot> notRecorded;
        private final Set<String> missingVolumes;
        private final Scan scan;

        Result(String domainFilter, boolean arrayChecked, List<Row> rows, List<DatasetSnapshot> notRecorded,
               Set<String> missingVolumes, Scan scan) {
            this.domainFilter = domainFilter;
            this.arrayChecked = arrayChecked;
            this.rows = rows;
            this.notRecorded = notRecorded;
            this.missingVolumes = missingVolumes;
            this.scan = scan;
        }

        /** The volumes searched for unrecorded {@value SnapshotNames#PREFIX} snapshots (none with --local). */
        public Scan scan() {
            return scan;
        }

        public List<Row> rows() {
            return rows;
        }

        public List<DatasetSnapshot> notRecorded() {
            return notRecorded;
        }

        public long missingOnArray() {
            return rows.stream().filter(r -> "missing-on-array".equals(r.status())).count();
        }

        public boolean inSync() {
            return arrayChecked && notRecorded.isEmpty() && missingOnArray() == 0 && missingVolumes.isEmpty()
                    && rows.stream().allMatch(r -> r.set().state() == SnapshotSet.State.COMPLETE);
        }

        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("domain", domainFilter);
            o.addProperty("arrayChecked", arrayChecked);
            o.addProperty("inSync", arrayChecked ? inSync() : null);
            JsonArray sets = new JsonArray();
            Set<String> seen = new HashSet<>();
            for (Row r : rows) {
                if (!seen.add(r.set().id())) {
                    continue;
                }
                JsonObject s = Json.set(r.set());
                JsonArray volumes = new JsonArray();
                for (Row vr : rows) {
                    if (vr.set().id().equals(r.set().id())) {
                        JsonObject v = Json.volume(vr.volume());
                        v.addProperty("path", vr.path);
                        v.addProperty("onArray", vr.onArray());
                        v.addProperty("status", vr.status());
                        volumes.add(v);
                    }
                }
                s.add("volumes", volumes);
                sets.add(s);
            }
            o.add("sets", sets);
            JsonArray unrecorded = new JsonArray();
            for (DatasetSnapshot d : notRecorded) {
                JsonObject u = new JsonObject();
                u.addProperty("volumeId", d.volumeId());
                u.addProperty("snapshotName", d.name());
                u.addProperty("path", d.path());
                u.addProperty("timestamp", d.timestamp().orElse(null));
                u.addProperty("setId", SnapshotNames.setIdOf(d.name()).orElse(null));
                unrecorded.add(u);
            }
            o.add("notRecorded", unrecorded);
            JsonArray missing = new JsonArray();
            missingVolumes.forEach(missing::add);
            o.add("missingVolumes", missing);
            if (scan != null) {
                JsonObject scanned = new JsonObject();
                scanned.addProperty("volumes", scan.volumes.size());
                scanned.addProperty("scope", scan.scope);
                o.add("scannedForUnrecorded", scanned);
            }
            return o;
        }

        public void print(PrintStream out) {
            if (rows.isEmpty()) {
                out.println(domainFilter == null ? "no snapshots recorded" : "no snapshots recorded for " + domainFilter);
            } else {
                Table t = new Table("SET", "DOMAIN", "DISK", "VOLUME", "SNAPSHOT", "CREATED", "LEVEL", "WINDOW", "STATUS", "PATH");
                for (Row r : rows) {
                    SnapshotSet s = r.set();
                    t.row(s.id().substring(0, 8), s.domain(), r.volume().disk(), r.volume().volumeId(),
                            r.volume().snapshotName(), s.created().truncatedTo(ChronoUnit.SECONDS),
                            s.consistencyLevel(), s.frozenWindowMs() == null ? null : s.frozenWindowMs() + " ms",
                            r.status(), r.path);
                }
                t.print(out, "");
            }
            if (!notRecorded.isEmpty()) {
                out.println();
                out.println("on the array but not in the records (named " + SnapshotNames.PREFIX + "..., left by an"
                        + " interrupted run or another host):");
                Table t = new Table("VOLUME", "SNAPSHOT", "TIMESTAMP", "PATH");
                notRecorded.forEach(d -> t.row(d.volumeId(), d.name(), d.timestamp().orElse(null), d.path()));
                t.print(out, "  ");
            }
            if (!missingVolumes.isEmpty()) {
                out.println();
                out.println("volumes the array does not know: " + String.join(", ", missingVolumes));
            }
            if (scan != null) {
                out.println("scanned " + scan.volumes.size() + " volume(s) for " + SnapshotNames.PREFIX + " snapshots: "
                        + scan.scope);
            }
            long sets = rows.stream().map(r -> r.set().id()).distinct().count();
            String summary = sets + " set(s), " + rows.size() + " volume snapshot(s)";
            if (!arrayChecked) {
                out.println(summary + "; array not consulted (--local)");
            } else if (inSync()) {
                out.println(summary + "; records and array agree");
            } else {
                out.println(summary + "; DRIFT: " + missingOnArray() + " missing on the array, " + notRecorded.size()
                        + " not recorded, " + missingVolumes.size() + " unknown volume(s), "
                        + rows.stream().filter(r -> r.set().state() != SnapshotSet.State.COMPLETE).count()
                        + " interrupted — 'elastisnap reconcile' explains and fixes");
            }
        }
    }

    /**
     * @param domain null for all domains
     * @param local  true to skip the array (records only)
     */
    public Result run(String domain, boolean local) {
        if (!local) {
            finishAbandonedRuns(domain);
        }
        List<SnapshotSet> sets = ctx.store().read().stream()
                .filter(s -> domain == null || s.domain().equals(domain))
                .sorted(Comparator.comparing(SnapshotSet::created).thenComparing(SnapshotSet::id))
                .collect(Collectors.toList());
        if (local) {
            List<Row> rows = new ArrayList<>();
            sets.forEach(s -> s.volumes().forEach(v -> rows.add(new Row(s, v, null, v.path()))));
            return new Result(domain, false, rows, List.of(), Set.of(), null);
        }
        ctx.output().progress("reading snapshots from ElastiCenter at " + ctx.endpoint());
        ArrayView array = new ArrayView(ctx);
        List<Row> rows = new ArrayList<>();
        Set<String> recordedNames = new HashSet<>();
        for (SnapshotSet s : sets) {
            for (VolumeRecord v : s.volumes()) {
                recordedNames.add(v.volumeId() + "@" + v.snapshotName());
                Optional<DatasetSnapshot> found = array.find(v.volumeId(), v.snapshotName());
                rows.add(new Row(s, v, found.isPresent(), found.map(DatasetSnapshot::path).orElse(v.path())));
            }
        }
        // names recorded for other domains must not count as unrecorded on a shared volume
        ctx.store().read().forEach(s -> s.volumes().forEach(v -> recordedNames.add(v.volumeId() + "@" + v.snapshotName())));
        List<DatasetSnapshot> notRecorded = new ArrayList<>();
        Scan scan = volumesToScan(sets, domain);
        for (String volumeId : scan.volumes) {
            for (DatasetSnapshot d : array.snapshots(volumeId)) {
                if (SnapshotNames.isOurs(d.name()) && !recordedNames.contains(volumeId + "@" + d.name())) {
                    notRecorded.add(d);
                }
            }
        }
        return new Result(domain, true, rows, notRecorded, new java.util.TreeSet<>(array.missingVolumes()), scan);
    }

    /**
     * A create or delete that a killed (or promptly answering) run left PENDING or DELETING, on a domain nobody
     * operates on now, is finished here as create and reconcile do: otherwise a listing right after the journal
     * recovery thawed the guest would still show the dead run's create as pending.
     */
    private void finishAbandonedRuns(String domain) {
        Set<String> domains = ctx.store().read().stream()
                .filter(s -> s.state() != SnapshotSet.State.COMPLETE && (domain == null || s.domain().equals(domain)))
                .map(SnapshotSet::domain).collect(Collectors.toCollection(LinkedHashSet::new));
        for (String d : domains) {
            try (FileLocks.Held lock = ctx.store().tryLockDomain(d)) {
                if (lock != null) {
                    new Recovery(ctx).resolveInterrupted(d);
                }
            }
        }
    }

    /** Which volumes were searched for unrecorded snapshots, and why those. */
    public static final class Scan {
        private final Collection<String> volumes;
        private final String scope;

        Scan(Collection<String> volumes, String scope) {
            this.volumes = volumes;
            this.scope = scope;
        }

        public Collection<String> volumes() {
            return volumes;
        }

        public String scope() {
            return scope;
        }
    }

    /**
     * All domains: every volume the API key's account has (listFileSystem), so a snapshot a late request left on a
     * volume no record or config names is found too, plus recorded or configured ids the array does not know. One
     * domain: the volumes its records and its config entry name (a snapshot name does not identify its domain
     * reliably, its domain part is shortened and made ZFS-safe).
     */
    private Scan volumesToScan(List<SnapshotSet> sets, String domain) {
        Set<String> volumes = new LinkedHashSet<>();
        String scope;
        if (domain == null) {
            List<FileSystem> all;
            try {
                all = ctx.client().listFileSystems(null);
            } catch (ElastiCenterException e) {
                throw Errors.elastiCenter(e, ctx.endpoint(), "listing the account's volumes");
            }
            all.forEach(f -> volumes.add(f.id()));
            scope = "every volume of the account at " + ctx.endpoint() + " (" + all.size() + " listed)";
        } else {
            scope = "the volumes of " + domain + " named by its records or the config file";
        }
        int named = volumes.size();
        sets.forEach(s -> s.volumes().forEach(v -> volumes.add(v.volumeId())));
        ctx.configuredVolumes(domain).forEach(volumes::add);
        if (domain == null && volumes.size() > named) {
            scope += ", and " + (volumes.size() - named) + " recorded or configured id(s) it does not list";
        }
        return new Scan(volumes, scope);
    }
}
