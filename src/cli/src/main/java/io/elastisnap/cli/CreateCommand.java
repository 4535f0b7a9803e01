// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import io.elastisnap.cli.config.ConfigFile;
import io.elastisnap.cli.config.DomainConfig;
import io.elastisnap.cli.config.Durations;
import io.elastisnap.cli.config.Policy;
import io.elastisnap.cli.ops.CreateOperation;
import io.elastisnap.cli.ops.GroupCreateOperation;
import io.elastisnap.cli.ops.VolumeTarget;
import io.elastisnap.cli.output.Output;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.FreezeLimits.Setting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", mixinStandardHelpOptions = true, description = {"Take a crash-consistent snapshot of a domain's volumes: freeze the guest file"
        + " systems once, snapshot every volume on ElastiStor in parallel, thaw. Prints each volume's snapshot, the"
        + " consistency level and the frozen window."})
final class CreateCommand extends BaseCommand {
    @Parameters(arity = "1..*", paramLabel = "DOMAIN", description = "libvirt domain name (e.g. i-2-10-VM); several with --group.")
    List<String> domains = new ArrayList<>();

    @Option(names = "--group", paramLabel = "GROUP",
            description = "Pool-level group snapshot: freeze every DOMAIN together, syncfs and snapshot each --pool volume"
                    + " their disk files are on once (esgroup-GROUP), thaw them together.")
    String group;

    @Mixin
    PoolOptions pools = new PoolOptions();

    @Option(names = "--disk", paramLabel = "TARGET=VOLUME_ID",
            description = "Disk target and its ElastiStor volume id (repeatable); default: the config file's"
                    + " domain.<name>.disk.* lines.")
    Map<String, String> disks = new LinkedHashMap<>();

    @Option(names = "--policy", paramLabel = "POLICY",
            description = "required (fail unless frozen; default), best-effort (fall back to crash-consistent), off.")
    String policy;

    @Option(names = "--mount-point", paramLabel = "PATH",
            description = "Guest mount point to freeze (repeatable); default all file systems.")
    List<String> mountPoints = new ArrayList<>();

    @ArgGroup(exclusive = false, heading = "Limits (durations like 500ms, 8s, 3m):%n")
    LimitOptions limits = new LimitOptions();

    @Override
    String name() {
        return "create";
    }

    @Override
    Outcome execute(Settings settings, CliContext ctx) {
        ConfigFile config = settings.config();
        if (group != null) {
            return createGroup(config, ctx);
        }
        if (domains.size() > 1 || !pools.pools.isEmpty()) {
            throw new CliException(ExitCode.USAGE, domains.size() > 1 ? "several domains need --group"
                    : "--pool needs --group", "snapshot several domains (or disk files on pool volumes) together with"
                    + " --group NAME --pool VOLUME_ID=MOUNT_POINT DOMAIN...; one domain's ElastiStor volumes with --disk");
        }
        String domain = domains.get(0);
        DomainConfig dc = config.domains().get(domain);
        List<VolumeTarget> targets = CreateOperation.targets(disks, dc == null ? Map.of() : dc.volumeIdByDisk());
        CreateOperation.Result r = new CreateOperation(ctx).run(new CreateOperation.Request(domain, targets,
                policy(config, dc), mountPoints(config, dc), limits(config, dc, ctx.output())));
        return new Outcome(ExitCode.OK, r.toJson(), r::print);
    }

    /** Policy, guest mount points and limits of a group come from the flags and the global config, not a domain's. */
    private Outcome createGroup(ConfigFile config, CliContext ctx) {
        if (!disks.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "--disk does not go with --group",
                    "a group snapshot finds each domain's disk files itself; give the pools with --pool VOLUME_ID=MOUNT_POINT");
        }
        GroupCreateOperation.Result r = new GroupCreateOperation(ctx).run(new GroupCreateOperation.Request(group, domains,
                pools.mounts(), policy(config, null), mountPoints(config, null), limits(config, null, ctx.output())));
        return new Outcome(ExitCode.OK, r.toJson(), r::print);
    }

    private ConsistencyPolicy policy(ConfigFile config, DomainConfig dc) {
        if (policy != null) {
            try {
                return Policy.parse(policy);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, "--policy: " + e.getMessage(),
                        "required fails unless frozen; best-effort falls back to crash-consistent; off skips the freeze");
            }
        }
        if (dc != null && dc.policy() != null) {
            return dc.policy();
        }
        return config.policy() != null ? config.policy() : ConsistencyPolicy.REQUIRED;
    }

    private List<String> mountPoints(ConfigFile config, DomainConfig dc) {
        if (!mountPoints.isEmpty()) {
            for (String m : mountPoints) {
                if (!m.startsWith("/")) {
                    throw new CliException(ExitCode.USAGE, "--mount-point '" + m + "' is not an absolute guest path",
                            "give mount points as the guest sees them, e.g. --mount-point /data");
                }
            }
            return mountPoints;
        }
        if (dc != null && dc.mountPoints() != null) {
            return dc.mountPoints();
        }
        return config.mountPoints() != null ? config.mountPoints() : List.of();
    }

    /** Flags over the domain's config over the global config over the engine's defaults; a derived freeze timeout is said. */
    FreezeLimits limits(ConfigFile config, DomainConfig dc, Output output) {
        FreezeLimits merged = config.limits().overriddenBy(dc == null ? FreezeLimits.defaults() : dc.limits())
                .overriddenBy(limits.limits());
        List<String> problems = merged.problems(Setting::key);
        if (!problems.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "invalid limits: " + String.join("; ", problems),
                    "adjust the --<limit> flags or the limits.* lines of the config file");
        }
        if (merged.freezeTimeoutDerivedFromWindow()) {
            output.progress("freeze timeout " + Durations.format(merged.freezeTimeout()) + ": 5/8 of the "
                    + Durations.format(merged.maxFrozenWindow()) + " frozen window (--freeze-timeout sets it)");
        }
        return merged;
    }
}
