// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.elasticenter.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Logs in with the host's kernel initiator through open-iscsi's {@code iscsiadm}, as CloudStack's KVM agent does:
 * the target's node record ({@code -o new}), its CHAP settings ({@code node.session.auth.*} through {@code -o update}),
 * login, then the LUN's
 * {@code /dev/disk/by-path/ip-<portal>-iscsi-<iqn>-lun-<n>} link once udev made it. Logout deletes the node record
 * again, so the secret does not stay in {@code /etc/iscsi/nodes}.
 *
 * <p>iscsiadm takes the {@code -o update} value only as an argument: the secret is on that one short-lived command
 * line (readable in {@code /proc/<pid>/cmdline} for its few milliseconds by local users unless {@code /proc} is
 * mounted {@code hidepid=2}); it is masked in every message and log line here, and the node record holding it is
 * root-only and deleted at logout.
 */
public final class IscsiadmLunLogin implements IscsiLunLogin {
    /** iscsiadm's exit code for "no session / no record found" (ISCSI_ERR_NO_OBJS_FOUND): nothing to log out of. */
    private static final int NOTHING_FOUND = 21;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern BY_PATH = Pattern.compile("ip-(.+)-iscsi-(.+)-lun-(\\d+)");
    private final String iscsiadm;
    private final Path byPathDirectory;
    private final Duration deviceWait;

    /** The host's {@code iscsiadm} and {@code /dev/disk/by-path}. */
    public IscsiadmLunLogin() {
        this("iscsiadm", Path.of("/dev/disk/by-path"), Duration.ofSeconds(30));
    }

    /** @param iscsiadm the program; @param byPathDirectory where udev links LUNs; @param deviceWait how long for the link */
    public IscsiadmLunLogin(String iscsiadm, Path byPathDirectory, Duration deviceWait) {
        this.iscsiadm = iscsiadm;
        this.byPathDirectory = byPathDirectory;
        this.deviceWait = deviceWait;
    }

    @Override
    public Path login(String portal, String iqn, int lun, String chapUser, Secret chapSecret, String cloneVolumeId)
            throws IOException {
        // a node record for this target only (as CloudStack's KVM agent does): a sendtargets discovery would record
        // every target the portal shows this host
        HostCommand.run(TIMEOUT, iscsiadm, "-m", "node", "-T", iqn, "-p", portal, "-o", "new");
        try {
            update(portal, iqn, "node.session.auth.authmethod", "CHAP", null);
            update(portal, iqn, "node.session.auth.username", chapUser, null);
            update(portal, iqn, "node.session.auth.password", chapSecret.reveal(), chapSecret);
            HostCommand.run(TIMEOUT, iscsiadm, "-m", "node", "-T", iqn, "-p", portal, "--login");
            Path device = byPathDirectory.resolve("ip-" + portal + "-iscsi-" + iqn + "-lun-" + lun);
            long deadline = System.nanoTime() + deviceWait.toNanos();
            while (!Files.exists(device)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("logged in to " + iqn + " at " + portal + " but " + device + " did not appear within "
                            + deviceWait.toSeconds() + " s (is LUN " + lun + " the volume's LUN? is udev running?)");
                }
                HostCommand.pause(Duration.ofMillis(100), "waiting for the LUN's device");
            }
            return device;
        } catch (IOException | RuntimeException e) {
            try {
                endSession(portal, iqn);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void update(String portal, String iqn, String name, String value, Secret hidden) throws IOException {
        HostCommand.run(TIMEOUT, hidden, iscsiadm, "-m", "node", "-T", iqn, "-p", portal, "-o", "update", "-n", name, "-v", value);
    }

    @Override
    public void logout(Path device, String iqn, String cloneVolumeId) throws IOException {
        String portal = null;
        String target = iqn;
        if (device != null) {
            Matcher m = BY_PATH.matcher(device.getFileName().toString());
            if (!device.toAbsolutePath().getParent().equals(byPathDirectory) || !m.matches()
                    || (iqn != null && !iqn.equals(m.group(2)))) {
                return;
            }
            portal = m.group(1);
            target = m.group(2);
        }
        if (target != null) {
            endSession(portal, target);
        }
    }

    /** Logs out and deletes the node record (with its CHAP secret); either already gone is fine. */
    private void endSession(String portal, String iqn) throws IOException {
        for (String operation : List.of("--logout", "delete")) {
            List<String> argv = new ArrayList<>(List.of(iscsiadm, "-m", "node", "-T", iqn));
            if (portal != null) {
                argv.addAll(List.of("-p", portal));
            }
            argv.addAll(operation.equals("delete") ? List.of("-o", "delete") : List.of(operation));
            HostCommand.Result r = HostCommand.execute(TIMEOUT, null, argv.toArray(new String[0]));
            if (r.exitCode != 0 && r.exitCode != NOTHING_FOUND) {
                throw new IOException(r.command + " failed (exit " + r.exitCode + "): " + r.output);
            }
        }
    }


    @Override
    public String readiness() throws IOException {
        try {
            return HostCommand.run(Duration.ofSeconds(10), iscsiadm, "--version") + "; LUNs under " + byPathDirectory;
        } catch (IOException e) {
            throw new IOException(iscsiadm + " cannot run (" + e.getMessage() + "): apt install open-iscsi, and a kernel"
                    + " with the iscsi_tcp module", e);
        }
    }
}
