// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.libvirt;

import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.Error;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * One libvirt connection for a CLI run, with the lookups the commands need and errors turned into operator messages.
 * The libvirt test driver keeps its state per connection, so a whole run (and the demo) shares this one connection.
 */
public final class LibvirtHost implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(LibvirtHost.class);
    /** Held for the JVM's lifetime: JNA drops a callback whose Java object is garbage collected. */
    private static final Libvirt.VirErrorCallback LOG_ERRORS = (userData, error) -> LOG.debug("libvirt: {}", error.message);
    private static volatile boolean errorPrinterSilenced;

    private final String uri;
    private final Connect connect;

    private LibvirtHost(String uri, Connect connect) {
        this.uri = uri;
        this.connect = connect;
    }

    /** A disk of a domain: its target (vda) and where its data lives. */
    public static final class Disk {
        private final String target;
        private final String source;

        Disk(String target, String source) {
            this.target = target;
            this.source = source;
        }

        public String target() {
            return target;
        }

        /** The file, block device or network name backing the disk; may be empty. */
        public String source() {
            return source;
        }
    }

    /** @throws CliException UNREACHABLE naming the URI and what to check */
    public static LibvirtHost connect(String uri) {
        silenceLibvirtErrorPrinter();
        try {
            return new LibvirtHost(uri, new Connect(uri));
        } catch (LibvirtException e) {
            throw new CliException(ExitCode.UNREACHABLE, "cannot connect to libvirt at " + uri + ": " + e.getMessage(),
                    uri.startsWith("qemu") ? "start libvirtd (or virtqemud) and check the URI with: virsh -c " + uri + " version"
                            : "check the URI with: virsh -c " + uri + " version");
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new CliException(ExitCode.UNREACHABLE, "the libvirt client library (libvirt.so.0) is not installed",
                    "apt-get install libvirt0 (or the README's demo command, which installs it)");
        }
    }

    /** libvirt prints every error to stderr unless a callback is set; ours go to the log instead. */
    private static void silenceLibvirtErrorPrinter() {
        if (errorPrinterSilenced) {
            return;
        }
        synchronized (LibvirtHost.class) {
            if (!errorPrinterSilenced) {
                try {
                    Connect.setErrorCallback(LOG_ERRORS);
                } catch (LibvirtException e) {
                    LOG.debug("could not install a libvirt error callback: {}", e.getMessage());
                }
                errorPrinterSilenced = true;
            }
        }
    }

    public String uri() {
        return uri;
    }

    /** Whether this is libvirt's test driver (no guest agent; freeze through the FS API). */
    public boolean isTestDriver() {
        return uri.startsWith("test:");
    }

    public Connect connection() {
        return connect;
    }

    /** @throws CliException USAGE when the domain does not exist, UNREACHABLE when libvirt fails */
    public Domain domain(String name) {
        try {
            return connect.domainLookupByName(name);
        } catch (LibvirtException e) {
            if (e.getError() != null && e.getError().getCode() == Error.ErrorNumber.VIR_ERR_NO_DOMAIN) {
                throw new CliException(ExitCode.USAGE, "domain '" + name + "' not found at " + uri,
                        "check the name with: virsh -c " + uri + " list --all");
            }
            throw new CliException(ExitCode.UNREACHABLE, "libvirt at " + uri + " failed to look up domain '" + name
                    + "': " + e.getMessage(), "check libvirtd with: virsh -c " + uri + " list --all");
        }
    }

    public DomainInfo.DomainState state(Domain domain) {
        try {
            return domain.getInfo().state;
        } catch (LibvirtException e) {
            throw new CliException(ExitCode.UNREACHABLE, "libvirt at " + uri + " cannot report the domain state: "
                    + e.getMessage(), "check libvirtd with: virsh -c " + uri + " list --all");
        }
    }

    /** Whether the domain is running, paused, or otherwise not shut off (so its disks are in use). */
    public boolean isActive(Domain domain) {
        try {
            return domain.isActive() == 1;
        } catch (LibvirtException e) {
            throw new CliException(ExitCode.UNREACHABLE, "libvirt at " + uri + " cannot report whether the domain is"
                    + " active: " + e.getMessage(), "check libvirtd with: virsh -c " + uri + " list --all");
        }
    }

    /** The domain's disks (device='disk'), in XML order. */
    public List<Disk> disks(Domain domain) {
        Document xml = xml(domain);
        NodeList disks = xml.getElementsByTagName("disk");
        List<Disk> result = new ArrayList<>();
        for (int i = 0; i < disks.getLength(); i++) {
            Element disk = (Element) disks.item(i);
            String device = disk.getAttribute("device");
            if (!device.isEmpty() && !device.equals("disk")) {
                continue;
            }
            Element target = first(disk, "target");
            Element source = first(disk, "source");
            if (target == null) {
                continue;
            }
            String src = "";
            if (source != null) {
                for (String attr : new String[] {"file", "dev", "name", "volume"}) {
                    if (!source.getAttribute(attr).isEmpty()) {
                        src = source.getAttribute(attr);
                        break;
                    }
                }
            }
            result.add(new Disk(target.getAttribute("dev"), src));
        }
        return Collections.unmodifiableList(result);
    }

    /** Whether the domain XML has the QEMU guest agent's virtio-serial channel. */
    public boolean hasGuestAgentChannel(Domain domain) {
        NodeList channels = xml(domain).getElementsByTagName("channel");
        for (int i = 0; i < channels.getLength(); i++) {
            Element target = first((Element) channels.item(i), "target");
            if (target != null && "org.qemu.guest_agent.0".equals(target.getAttribute("name"))) {
                return true;
            }
        }
        return false;
    }

    private Document xml(Domain domain) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(new InputSource(new StringReader(domain.getXMLDesc(0))));
        } catch (LibvirtException e) {
            throw new CliException(ExitCode.UNREACHABLE, "libvirt at " + uri + " cannot describe the domain: "
                    + e.getMessage(), "check libvirtd with: virsh -c " + uri + " dumpxml DOMAIN");
        } catch (Exception e) {
            throw new CliException(ExitCode.FAILED, "cannot parse the domain XML from " + uri + ": " + e.getMessage(),
                    "check it with: virsh -c " + uri + " dumpxml DOMAIN");
        }
    }

    private static Element first(Element parent, String tag) {
        NodeList list = parent.getElementsByTagName(tag);
        return list.getLength() == 0 ? null : (Element) list.item(0);
    }

    @Override
    public void close() {
        try {
            connect.close();
        } catch (LibvirtException e) {
            LOG.debug("closing the libvirt connection to {} failed: {}", uri, e.getMessage());
        }
    }
}
