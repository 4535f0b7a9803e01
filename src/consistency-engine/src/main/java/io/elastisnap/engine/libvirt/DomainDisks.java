// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.libvirt;

import io.elastisnap.engine.DomainDisk;
import io.elastisnap.engine.GuestAgentException;
import io.elastisnap.engine.PciAddress;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/** The {@code <devices><disk>} elements of a libvirt domain definition: target, device, bus, serial, PCI address. */
final class DomainDisks {
    private DomainDisks() {
    }

    static List<DomainDisk> parse(String domainName, String xml) throws GuestAgentException {
        Element root;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            root = builder.parse(new InputSource(new StringReader(xml))).getDocumentElement();
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new GuestAgentException(GuestAgentException.Kind.PROTOCOL, "the definition of domain " + domainName
                    + " is not readable XML: " + e.getMessage(), e);
        }
        List<DomainDisk> disks = new ArrayList<>();
        NodeList devices = root.getElementsByTagName("devices");
        if (devices.getLength() == 0) {
            return disks;
        }
        NodeList children = devices.item(0).getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (!(children.item(i) instanceof Element) || !((Element) children.item(i)).getTagName().equals("disk")) {
                continue;
            }
            Element disk = (Element) children.item(i);
            Element target = child(disk, "target");
            if (target == null || target.getAttribute("dev").isEmpty()) {
                continue;
            }
            Element serial = child(disk, "serial");
            disks.add(new DomainDisk(target.getAttribute("dev"), attributeOrNull(disk, "device"), target.getAttribute("bus"),
                    serial == null ? null : serial.getTextContent().trim(), pciAddress(child(disk, "address"))));
        }
        return disks;
    }

    private static PciAddress pciAddress(Element address) {
        if (address == null || !address.getAttribute("type").equals("pci")) {
            return null;
        }
        try {
            return new PciAddress(number(address, "domain"), number(address, "bus"), number(address, "slot"),
                    number(address, "function"));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** libvirt writes them as hex ({@code 0x0005}); a missing one is 0, as libvirt defaults it. */
    private static int number(Element element, String name) {
        String value = element.getAttribute(name).trim();
        if (value.isEmpty()) {
            return 0;
        }
        return value.startsWith("0x") || value.startsWith("0X") ? Integer.parseInt(value.substring(2), 16) : Integer.parseInt(value);
    }

    private static String attributeOrNull(Element element, String name) {
        String value = element.getAttribute(name);
        return value.isEmpty() ? null : value;
    }

    private static Element child(Element parent, String tag) {
        NodeList children = parent.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element && ((Element) children.item(i)).getTagName().equals(tag)) {
                return (Element) children.item(i);
            }
        }
        return null;
    }
}
