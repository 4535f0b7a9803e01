// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.doctor;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.cli.CliContext;
import io.elastisnap.engine.pool.IscsiLunLogin;
import io.elastisnap.engine.pool.IscsiadmLunLogin;
import io.elastisnap.engine.pool.QsdLunLogin;
import io.elastisnap.cli.CliException;
import io.elastisnap.cli.config.ConfigFile;
import io.elastisnap.cli.config.DomainConfig;
import io.elastisnap.cli.libvirt.LibvirtHost;
import io.elastisnap.elasticenter.Capabilities;
import io.elastisnap.elasticenter.ElastiCenterAuthException;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.ElastiCenterTlsException;
import io.elastisnap.engine.AgentCapabilities;
import io.elastisnap.engine.FreezeStatus;
import io.elastisnap.engine.GuestAgentException;
import io.elastisnap.engine.GuestQuiescer;
import io.elastisnap.engine.ThawGuardException;
import io.elastisnap.engine.guard.ProcessThawGuard;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.libvirt.Domain;

/**
 * doctor: the checks operators otherwise do by hand, each a PASS/WARN/FAIL/SKIP line with the fix. A failed
 * prerequisite turns the checks that depend on it into SKIP, so the first FAIL is the one to fix.
 */
public final class Doctor {
    private static final Duration AGENT_TIMEOUT = Duration.ofSeconds(5);
    private static final int CONNECT_TIMEOUT_MS = 5000;

    private final CliContext ctx;
    private final ConfigFile config;
    private final List<CheckResult> results = new ArrayList<>();

    public Doctor(CliContext ctx, ConfigFile config) {
        this.ctx = ctx;
        this.config = config;
    }

    /** The report. */
    public static final class Report {
        private final List<CheckResult> results;

        Report(List<CheckResult> results) {
            this.results = results;
        }

        public List<CheckResult> results() {
            return results;
        }

        public boolean healthy() {
            return results.stream().noneMatch(r -> r.status() == CheckResult.Status.FAIL);
        }

        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            JsonArray checks = new JsonArray();
            results.forEach(r -> checks.add(r.toJson()));
            o.add("checks", checks);
            o.addProperty("healthy", healthy());
            return o;
        }

        public void print(PrintStream out) {
            int width = results.stream().mapToInt(r -> r.check().length()).max().orElse(0);
            results.forEach(r -> out.println(r.line(width)));
            long failed = results.stream().filter(r -> r.status() == CheckResult.Status.FAIL).count();
            out.println(failed == 0 ? "all checks passed" : failed + " check(s) failed; fix the first FAIL line first");
        }
    }

    /**
     * @param domains domains to check; empty for every domain of the config file
     * @param checkArray false when no ElastiCenter endpoint is configured at all
     */
    public Report run(List<String> domains, boolean checkArray) {
        stateDirectory();
        List<String> toCheck = domains.isEmpty() ? new ArrayList<>(config.domains().keySet()) : domains;
        LibvirtHost host = libvirt();
        thawGuard(host);
        cloneAttach();
        if (toCheck.isEmpty()) {
            results.add(CheckResult.skip("domain checks", "no domain given and none in the config file"));
        }
        for (String domain : toCheck) {
            if (host == null) {
                results.add(CheckResult.skip("domain " + domain, "needs libvirt"));
            } else {
                domain(host, domain);
            }
        }
        if (checkArray) {
            elastiCenter(toCheck);
        } else {
            results.add(CheckResult.fail("ElastiCenter configured", "no ElastiCenter URL",
                    "pass --url https://HOST or set elasticenter.url in the config file"));
        }
        return new Report(results);
    }

    /** restore-volume's iSCSI logins: which can run here (loop-image and nfs need only losetup / mount). */
    private void cloneAttach() {
        Map<String, IscsiLunLogin> logins = new LinkedHashMap<>();
        logins.put("iscsiadm", new IscsiadmLunLogin());
        logins.put("qsd", new QsdLunLogin(ctx.qsdRunDirectory()));
        logins.forEach((flag, login) -> {
            String check = "restore-volume --clone-attach " + flag;
            try {
                results.add(CheckResult.pass(check, login.readiness()));
            } catch (IOException e) {
                results.add(CheckResult.warn(check, "cannot log in to a clone this way here", e.getMessage()));
            }
        });
    }

    /** Doctor only looks: a missing state directory is left for the first create, which makes it. */
    private void stateDirectory() {
        Path dir = ctx.store().directory().toAbsolutePath();
        String check = "state directory writable";
        String fix = "create it writable for this user (mkdir -p " + dir + "), or pass --state-dir DIR";
        if (!Files.exists(dir)) {
            Path parent = dir.getParent();
            while (parent != null && !Files.exists(parent)) {
                parent = parent.getParent();
            }
            if (parent != null && Files.isDirectory(parent) && Files.isWritable(parent)) {
                results.add(CheckResult.pass(check, dir + " does not exist yet; the first create makes it (" + parent
                        + " is writable)"));
            } else {
                results.add(CheckResult.fail(check, dir + " does not exist and " + parent
                        + (parent != null && Files.isDirectory(parent) ? " is not writable by this user" : " is not a directory"), fix));
            }
            return;
        }
        try {
            Path probe = Files.createTempFile(dir, ".doctor", ".tmp");
            Files.delete(probe);
            results.add(CheckResult.pass(check, dir.toString()));
        } catch (IOException e) {
            results.add(CheckResult.fail(check, dir + ": " + e.getMessage(), fix));
        }
    }

    private LibvirtHost libvirt() {
        try {
            LibvirtHost host = ctx.libvirt();
            long version = host.connection().getLibVersion();
            results.add(CheckResult.pass("libvirt reachable", host.uri() + " (libvirt " + version / 1_000_000 + "."
                    + version / 1000 % 1000 + "." + version % 1000 + ")"));
            return host;
        } catch (CliException e) {
            results.add(CheckResult.fail("libvirt reachable", e.getMessage(), e.fix()));
        } catch (org.libvirt.LibvirtException e) {
            results.add(CheckResult.fail("libvirt reachable", e.getMessage(), "check: virsh version"));
        }
        return null;
    }

    /** The guard that thaws a guest if this CLI dies mid-freeze: without it, policy REQUIRED refuses to freeze. */
    private void thawGuard(LibvirtHost host) {
        String check = "thaw guard";
        if (host == null) {
            results.add(CheckResult.skip(check, "needs libvirt"));
        } else if (host.isTestDriver()) {
            results.add(CheckResult.skip(check, "the test driver freezes no guest"));
        } else {
            try {
                results.add(CheckResult.pass(check, new ProcessThawGuard(host::uri).readiness()));
            } catch (ThawGuardException e) {
                results.add(CheckResult.fail(check, e.getMessage(), "apt install bash libvirt-clients util-linux"));
            }
        }
    }

    private void domain(LibvirtHost host, String name) {
        String prefix = "[" + name + "] ";
        Domain domain;
        try {
            domain = host.domain(name);
            results.add(CheckResult.pass(prefix + "domain exists", "at " + host.uri()));
        } catch (CliException e) {
            results.add(CheckResult.fail(prefix + "domain exists", e.getMessage(), e.fix()));
            return;
        }
        disksMapped(host, domain, name, prefix);
        boolean running = host.isActive(domain);
        String state = host.state(domain).name().replace("VIR_DOMAIN_", "").toLowerCase(Locale.ROOT);
        if (running) {
            results.add(CheckResult.pass(prefix + "domain running", state));
        } else {
            results.add(CheckResult.fail(prefix + "domain running", state + " (snapshots freeze a running guest)",
                    "virsh -c " + host.uri() + " start " + name));
        }
        if (host.isTestDriver()) {
            results.add(CheckResult.pass(prefix + "guest-agent channel", "not needed: the test driver freezes through"
                    + " libvirt's virDomainFSFreeze API"));
        } else if (host.hasGuestAgentChannel(domain)) {
            results.add(CheckResult.pass(prefix + "guest-agent channel", "org.qemu.guest_agent.0 configured"));
        } else {
            results.add(CheckResult.fail(prefix + "guest-agent channel", "no org.qemu.guest_agent.0 channel in the XML",
                    "virsh edit " + name + ": add <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/>"
                            + "</channel> and restart the domain"));
            return;
        }
        if (!running) {
            results.add(CheckResult.skip(prefix + "guest agent answering", "needs a running domain"));
            return;
        }
        GuestQuiescer quiescer = ctx.quiescer();
        try {
            quiescer.ping(name, AGENT_TIMEOUT);
            results.add(CheckResult.pass(prefix + "guest agent answering", host.isTestDriver()
                    ? "virDomainGetFSInfo answered (the test driver's stand-in for guest-ping)" : "guest-ping answered"));
        } catch (GuestAgentException e) {
            results.add(CheckResult.fail(prefix + "guest agent answering", e.getMessage(), agentFix(e, name)));
            return;
        }
        try {
            AgentCapabilities caps = quiescer.capabilities(name, AGENT_TIMEOUT);
            FreezeStatus status = quiescer.freezeStatus(name, AGENT_TIMEOUT);
            if (!caps.isEnabled(AgentCapabilities.FREEZE) || !caps.isEnabled(AgentCapabilities.THAW)) {
                results.add(CheckResult.fail(prefix + "freeze available", "agent " + caps.version()
                        + " has guest-fsfreeze-freeze/thaw disabled", "enable them in the guest agent's config (qemu-ga -b/--block-rpcs)"));
            } else if (status == FreezeStatus.FROZEN) {
                results.add(CheckResult.fail(prefix + "freeze available", "the guest file systems are FROZEN right now",
                        "thaw them: virsh -c " + host.uri() + " domfsthaw " + name + "; then find who froze them"));
            } else {
                results.add(CheckResult.pass(prefix + "freeze available", "agent " + caps.version() + ", status thawed"));
            }
        } catch (GuestAgentException e) {
            results.add(CheckResult.fail(prefix + "freeze available", e.getMessage(), agentFix(e, name)));
        }
    }

    private void disksMapped(LibvirtHost host, Domain domain, String name, String prefix) {
        DomainConfig dc = config.domains().get(name);
        if (dc == null || dc.volumeIdByDisk().isEmpty()) {
            results.add(CheckResult.warn(prefix + "disks mapped to volumes", "no domain." + name + ".disk.* lines in the"
                    + " config file", "map each disk (virsh domblklist " + name + ") to its ElastiStor volume id, or pass --disk to create"));
            return;
        }
        Set<String> targets = host.disks(domain).stream().map(LibvirtHost.Disk::target).collect(Collectors.toCollection(TreeSet::new));
        List<String> unknown = dc.volumeIdByDisk().keySet().stream().filter(d -> !targets.contains(d)).collect(Collectors.toList());
        if (unknown.isEmpty()) {
            results.add(CheckResult.pass(prefix + "disks mapped to volumes", dc.volumeIdByDisk().keySet() + " of " + targets));
        } else {
            results.add(CheckResult.fail(prefix + "disks mapped to volumes", "config maps " + unknown + " but the domain has "
                    + targets, "correct domain." + name + ".disk.<target> in " + config.source()));
        }
    }

    private static String agentFix(GuestAgentException e, String name) {
        switch (e.kind()) {
            case AGENT_NOT_CONFIGURED:
                return "add the org.qemu.guest_agent.0 channel to " + name + " (virsh edit) and restart it";
            case AGENT_NOT_RESPONDING:
            case TIMEOUT:
                return "install and start qemu-guest-agent inside the guest (systemctl enable --now qemu-guest-agent)";
            case AGENT_FROZEN:
                return "the guest is frozen: virsh domfsthaw " + name;
            case DOMAIN_PAUSED:
                return "the domain is paused: virsh resume " + name;
            case COMMAND_UNSUPPORTED:
                return "update qemu-guest-agent, or unblock the freeze commands in its config";
            default:
                return "check the guest agent's log inside the guest";
        }
    }

    private void elastiCenter(List<String> domains) {
        URI url;
        try {
            url = ctx.endpoint();
        } catch (CliException e) {
            results.add(CheckResult.fail("ElastiCenter configured", e.getMessage(), e.fix()));
            return;
        }
        int port = url.getPort() > 0 ? url.getPort() : 443;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(url.getHost(), port), CONNECT_TIMEOUT_MS);
            results.add(CheckResult.pass("ElastiCenter reachable", url.getHost() + ":" + port + " accepts connections"));
        } catch (IOException e) {
            results.add(CheckResult.fail("ElastiCenter reachable", url.getHost() + ":" + port + ": " + e.getMessage(),
                    "check --url, DNS, routing and firewalls between this host and ElastiCenter"));
            results.add(CheckResult.skip("TLS trust", "needs a reachable ElastiCenter"));
            results.add(CheckResult.skip("API key valid", "needs a reachable ElastiCenter"));
            return;
        }
        Capabilities caps;
        try {
            caps = ctx.client().listCapabilities();
        } catch (CliException e) {
            results.add(CheckResult.fail("TLS trust / API key", e.getMessage(), e.fix()));
            return;
        } catch (ElastiCenterTlsException e) {
            String fingerprint = ServerCertificateProbe.sha256(url.getHost(), port, CONNECT_TIMEOUT_MS);
            results.add(CheckResult.fail("TLS trust", "certificate not trusted: " + e.getMessage(),
                    fingerprint == null ? "pass --ca-file with ElastiCenter's CA certificate"
                            : "after verifying it out of band, pass --pin-sha256 " + fingerprint + " (or --ca-file CA.pem)"));
            results.add(CheckResult.skip("API key valid", "needs TLS trust"));
            return;
        } catch (ElastiCenterAuthException e) {
            results.add(CheckResult.pass("TLS trust", ctx.trustDescription()));
            results.add(CheckResult.fail("API key valid", "ElastiCenter rejected the key (" + e.getMessage() + ")",
                    "put a valid admin API key in --api-key-file or ELASTICENTER_API_KEY"));
            return;
        } catch (ElastiCenterException e) {
            results.add(CheckResult.fail("ElastiCenter answering", e.getMessage(), "check ElastiCenter's health and logs"));
            return;
        }
        results.add(CheckResult.pass("TLS trust", ctx.trustDescription()));
        results.add(CheckResult.pass("API key valid", "listCapabilities answered (ElastiCenter " + caps.cloudByteVersion() + ")"));
        volumes(domains);
    }

    private void volumes(List<String> domains) {
        for (String domain : domains) {
            DomainConfig dc = config.domains().get(domain);
            if (dc == null) {
                continue;
            }
            for (Map.Entry<String, String> e : dc.volumeIdByDisk().entrySet()) {
                String check = "[" + domain + "] volume of " + e.getKey();
                try {
                    boolean exists = ctx.client().findFileSystem(e.getValue()).isPresent();
                    results.add(exists ? CheckResult.pass(check, e.getValue() + " exists")
                            : CheckResult.fail(check, "ElastiStor volume " + e.getValue() + " not found",
                            "correct domain." + domain + ".disk." + e.getKey() + " in " + config.source()));
                } catch (ElastiCenterException ex) {
                    results.add(CheckResult.fail(check, ex.getMessage(), "check ElastiCenter's health and logs"));
                }
            }
        }
    }
}
