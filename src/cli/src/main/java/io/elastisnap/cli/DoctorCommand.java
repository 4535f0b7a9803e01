// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import io.elastisnap.cli.doctor.Doctor;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "doctor", mixinStandardHelpOptions = true, description = {"Check this host and the storage: state directory, libvirt, each domain"
        + " (exists, running, guest-agent channel, agent answering, freeze available, disks mapped), ElastiCenter"
        + " reachable, TLS trust, API key, volumes. One PASS/WARN/FAIL/SKIP line each, with the fix."})
final class DoctorCommand extends BaseCommand {
    @Parameters(arity = "0..*", paramLabel = "DOMAIN", description = "Domains to check (default: the config file's).")
    List<String> domains = new ArrayList<>();

    @Override
    String name() {
        return "doctor";
    }

    @Override
    Outcome execute(Settings settings, CliContext ctx) {
        Doctor.Report r = new Doctor(ctx, settings.config()).run(domains, settings.hasEndpoint());
        return new Outcome(r.healthy() ? ExitCode.OK : ExitCode.FAILED, r.toJson(), r::print);
    }

    /** Doctor reports an unreadable journal as a line instead of stopping. */
    @Override
    void recoverFrozenDomains(CliContext ctx) {
        try {
            super.recoverFrozenDomains(ctx);
        } catch (CliException e) {
            ctx.output().warn("journal recovery: " + e.oneLine());
        }
    }
}
