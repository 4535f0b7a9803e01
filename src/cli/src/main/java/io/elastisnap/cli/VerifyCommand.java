// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import io.elastisnap.cli.ops.VerifyOperation;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "verify", mixinStandardHelpOptions = true, description = {"Re-read every file an export's restore would"
        + " read (its copies and the bases of incremental ones) and check each SHA-256 against the manifests and the"
        + " qcow2 metadata. Exit 0 when all match, 1 naming every file that does not."})
final class VerifyCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "EXPORT", description = "An export directory (DIR/<domain>/<time>-<set>).")
    Path export;

    @Override
    String name() {
        return "verify";
    }

    @Override
    Outcome execute(Settings settings, CliContext ctx) {
        VerifyOperation.Result r = new VerifyOperation().run(export);
        return new Outcome(r.ok() ? ExitCode.OK : ExitCode.FAILED, r.toJson(), r::print);
    }
}
