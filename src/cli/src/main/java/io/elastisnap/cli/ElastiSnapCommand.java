// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The top-level command; subcommands do the work. */
@Command(name = "elastisnap", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Crash-consistent (file-system-frozen) snapshots of KVM domains on CloudByte ElastiStor: freezes"
                + " the guest once, takes every volume's array snapshot in parallel, thaws; keeps a record of every"
                + " snapshot in the state directory and reconciles it with the array."},
        subcommands = {CreateCommand.class, ListCommand.class, RollbackCommand.class, DeleteCommand.class,
                ReconcileCommand.class, DoctorCommand.class, ExportCommand.class, VerifyCommand.class,
                RestoreCommand.class, PruneCommand.class, GroupsCommand.class, ReleaseCommand.class,
                RestoreVolumeCommand.class})
final class ElastiSnapCommand implements Runnable {
    @Mixin
    GlobalOptions options;

    @Spec
    CommandSpec spec;

    private RunEnvironment run;

    void environment(RunEnvironment value) {
        run = value;
    }

    RunEnvironment environment() {
        return run;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required (create, list, rollback, delete,"
                + " reconcile, doctor, export, verify, restore, prune)");
    }
}
