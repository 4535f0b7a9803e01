// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import io.elastisnap.engine.pool.CloneHost;
import io.elastisnap.engine.pool.IscsiCloneHost;
import io.elastisnap.engine.pool.IscsiLunLogin;
import io.elastisnap.engine.pool.IscsiadmLunLogin;
import io.elastisnap.engine.pool.LoopImageCloneHost;
import io.elastisnap.engine.pool.NfsCloneHost;
import io.elastisnap.engine.pool.QsdLunLogin;
import io.elastisnap.engine.pool.RecoveringCloneHost;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** How restore-volume reaches the array's clone of a pool volume on this host: --clone-attach and its settings. */
final class CloneAttachOptions {
    /** The ways a clone is attached. */
    enum Method {
        ISCSIADM("iscsiadm"), QSD("qsd"), LOOP_IMAGE("loop-image"), NFS("nfs");

        final String flag;

        Method(String flag) {
            this.flag = flag;
        }

        static Method parse(String value) {
            for (Method m : values()) {
                if (m.flag.equals(value.toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new CliException(ExitCode.USAGE, "--clone-attach " + value + " is not one of iscsiadm, qsd, loop-image, nfs",
                    "iscsiadm: a host with open-iscsi; qsd: no kernel initiator (qemu-storage-daemon + FUSE); nfs: an NFS pool;"
                            + " loop-image: the simulator's image files");
        }
    }

    @Option(names = "--clone-attach", paramLabel = "iscsiadm|qsd|loop-image|nfs",
            description = "How the clone of the pool volume reaches this host: iscsiadm (kernel iSCSI initiator, CHAP),"
                    + " qsd (QEMU's user-space iSCSI initiator in qemu-storage-daemon, FUSE + loop device, CHAP), nfs (mount"
                    + " the clone's NFS share), loop-image (the simulator's image files, --clone-images). Default: loop-image"
                    + " with --clone-images, else iscsiadm.")
    String method;

    @Option(names = "--chap-group", paramLabel = "NAME",
            description = "iSCSI: the array account's auth group whose CHAP user logs in to the clone (its secret is read"
                    + " from the array, never from the command line).")
    String chapGroup;

    @Option(names = "--iscsi-port", paramLabel = "N", description = "iSCSI: the array's portal port (default 3260).")
    int iscsiPort = 3260;

    @Option(names = "--iscsi-lun", paramLabel = "N", description = "iSCSI: the clone's LUN (default 0, ElastiStor's).")
    int iscsiLun = 0;

    @Option(names = "--nfs-options", paramLabel = "OPTS", description = "nfs: mount -o options (default: the host's).")
    String nfsOptions;

    @Option(names = "--clone-images", paramLabel = "DIR",
            description = "loop-image: where the array's clone volumes appear as image files (<id>.img), attached as loop"
                    + " devices: the ElastiCenter simulator's volumes directory. It stands in for an iSCSI login to the clone.")
    Path cloneImages;

    Method method() {
        if (method != null) {
            return Method.parse(method);
        }
        return cloneImages != null ? Method.LOOP_IMAGE : Method.ISCSIADM;
    }

    /** The clone host the options name; {@code runDirectory} holds qsd's FUSE export and pid files. */
    CloneHost cloneHost(CliContext ctx, Path runDirectory) {
        Method m = method();
        switch (m) {
            case LOOP_IMAGE:
                if (cloneImages == null) {
                    throw new CliException(ExitCode.USAGE, "--clone-attach loop-image needs --clone-images DIR",
                            "pass the simulator's volumes directory, or attach over iSCSI (--clone-attach iscsiadm|qsd)");
                }
                return new LoopImageCloneHost(cloneImages);
            case NFS:
                return new NfsCloneHost(ctx.client(), nfsOptions);
            default:
                if (chapGroup == null) {
                    throw new CliException(ExitCode.USAGE, "--clone-attach " + m.flag + " logs in with CHAP and needs --chap-group NAME",
                            "name the array account's iSCSI auth group whose CHAP user may log in (the pool's, e.g. esnap-...)");
                }
                if (iscsiPort < 1 || iscsiPort > 65535 || iscsiLun < 0) {
                    throw new CliException(ExitCode.USAGE, "--iscsi-port " + iscsiPort + " / --iscsi-lun " + iscsiLun
                            + " out of range", "a port 1-65535 and a LUN of 0 or more (ElastiStor: 3260 and 0)");
                }
                return new IscsiCloneHost(ctx.client(), chapGroup, iscsiPort, iscsiLun, login(m, runDirectory));
        }
    }

    private static IscsiLunLogin login(Method m, Path runDirectory) {
        return m == Method.QSD ? new QsdLunLogin(runDirectory) : new IscsiadmLunLogin();
    }

    /** For reconcile: detaches a killed restore's clone whichever way it was attached (the logins this host can run). */
    static CloneHost recovery(CliContext ctx) {
        List<IscsiLunLogin> logins = new ArrayList<>(List.of(new QsdLunLogin(ctx.qsdRunDirectory())));
        IscsiadmLunLogin iscsiadm = new IscsiadmLunLogin();
        try {
            iscsiadm.readiness();
            logins.add(iscsiadm);
        } catch (IOException noIscsiadmHere) {
            // nothing can have been logged in with it on this host
        }
        return new RecoveringCloneHost(ctx.client(), logins);
    }
}
