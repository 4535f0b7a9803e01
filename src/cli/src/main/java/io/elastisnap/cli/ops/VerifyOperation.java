// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.cli.output.Table;
import io.elastisnap.transfer.ExpectedImage;
import io.elastisnap.transfer.ExportManifest;
import io.elastisnap.transfer.ImageVerifier;
import io.elastisnap.transfer.QemuImg;
import io.elastisnap.transfer.TransferException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * verify: re-reads every file an export's restore would read (its own copies and the bases of incremental ones),
 * checks each against the SHA-256 its manifest recorded and its qcow2 metadata, and names every file that fails.
 */
public final class VerifyOperation {
    /** One disk's chain and what verifying it found. */
    static final class Checked {
        final String disk;
        final List<ExpectedImage> chain;
        final String problem;

        Checked(String disk, List<ExpectedImage> chain, String problem) {
            this.disk = disk;
            this.chain = chain;
            this.problem = problem;
        }
    }

    /** What verify found. */
    public static final class Result {
        private final Path export;
        private final List<Checked> disks;

        Result(Path export, List<Checked> disks) {
            this.export = export;
            this.disks = disks;
        }

        public boolean ok() {
            return disks.stream().allMatch(c -> c.problem == null);
        }

        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("export", export.toString());
            o.addProperty("ok", ok());
            JsonArray arr = new JsonArray();
            for (Checked c : disks) {
                JsonObject j = new JsonObject();
                j.addProperty("disk", c.disk);
                JsonArray files = new JsonArray();
                c.chain.forEach(i -> files.add(i.file().toString()));
                j.add("files", files);
                j.addProperty("ok", c.problem == null);
                j.addProperty("problem", c.problem);
                arr.add(j);
            }
            o.add("disks", arr);
            return o;
        }

        public void print(PrintStream out) {
            out.println((ok() ? "export verified: " : "export FAILED verification: ") + export);
            Table t = new Table("DISK", "FILES READ", "RESULT");
            for (Checked c : disks) {
                t.row(c.disk, Integer.toString(c.chain.size()), c.problem == null ? "ok (SHA-256 and qcow2 metadata)" : c.problem);
            }
            t.print(out, "  ");
        }
    }

    public Result run(Path export) {
        ExportManifest manifest;
        try {
            manifest = ExportManifest.read(export.toAbsolutePath());
        } catch (TransferException e) {
            throw Transfers.toCli(e);
        }
        ImageVerifier verifier = new ImageVerifier(QemuImg.standard());
        List<Checked> disks = new ArrayList<>();
        for (ExportManifest.Volume v : manifest.volumes) {
            List<ExpectedImage> chain = List.of();
            try {
                chain = ExportManifest.chain(export.toAbsolutePath(), v.disk);
                verifier.verifyChain(chain);
                disks.add(new Checked(v.disk, chain, null));
            } catch (TransferException e) {
                disks.add(new Checked(v.disk, chain, e.getMessage()));
            }
        }
        return new Result(export.toAbsolutePath(), disks);
    }
}
