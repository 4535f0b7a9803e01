// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.Test;

/**
 * The plugin's package graph, read from the compiled classes' constant pools (every class a class refers to, also
 * through fully qualified names, signatures and lambdas), may only contain the arrows listed in {@link #ALLOWED}.
 * The list is the architecture: the wire types ({@code command}) depend on nothing of ours; the host runtime
 * ({@code agent}, the wrapper) and the management side never import each other; nothing points back up.
 */
public class PackageLayeringTest {
    static final String ROOT = "io.elastisnap.cloudstack";
    static final String WRAPPER = "com.cloud.hypervisor.kvm.resource.wrapper";

    /** Package (relative to {@link #ROOT}; "" is the root itself) to the packages it may use. Top to bottom. */
    static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

    static {
        // KVM host side
        allow(WRAPPER, "agent", "command");
        allow("agent", "command", "elasticenter");
        // management server side
        allow("api", "pool", "config", "command", "");
        allow("pool", "snapshot", "lifecycle", "array", "config", "command", "cluster", "");
        allow("lifecycle", "driver", "array", "config", "command", "");
        allow("driver", "backup", "record", "array", "config", "cluster", "");
        allow("reconcile", "backup", "record", "array", "config", "cluster", "");
        allow("snapshot", "backup", "record", "array", "config", "command", "cluster", "");
        allow("backup", "record", "array", "config", "command", "cluster", "");
        allow("record", "array", "");
        allow("array", "config", "elasticenter", "command", "cluster", "");
        allow("config");
        allow("cluster");
        // shared by both sides
        allow("elasticenter", "command");
        allow("command");
        allow("");
    }

    /** Packages that run only in the KVM agent, and packages that run only in the management server. */
    static final Set<String> HOST_SIDE = new HashSet<>(Arrays.asList(WRAPPER, "agent"));
    static final Set<String> MANAGEMENT_SIDE = new HashSet<>(Arrays.asList("api", "pool", "lifecycle", "driver", "reconcile", "snapshot",
            "backup", "record", "array", "config", "cluster"));

    private static void allow(String from, String... to) {
        ALLOWED.put(from, new HashSet<>(Arrays.asList(to)));
    }

    @Test
    public void everyArrowInThePackageGraphIsAllowed() throws IOException {
        Map<String, Map<String, Set<String>>> graph = observedGraph();
        assertTrue("the scan found no classes", graph.size() > 5);
        List<String> forbidden = new ArrayList<>();
        graph.forEach((from, arrows) -> arrows.forEach((to, classes) -> {
            if (!ALLOWED.containsKey(from)) {
                forbidden.add("package " + name(from) + " is not placed in the layering; add it to ALLOWED");
            } else if (!ALLOWED.get(from).contains(to)) {
                forbidden.add(name(from) + " -> " + name(to) + " (from " + classes + ")");
            }
        }));
        assertTrue("arrows against the layering:\n" + String.join("\n", forbidden), forbidden.isEmpty());
    }

    @Test
    public void theAllowedLayeringItselfHasNoCycleAndKeepsTheTwoSidesApart() {
        for (String from : ALLOWED.keySet()) {
            assertFalse("cycle through " + name(from), reachable(from).contains(from));
            for (String to : ALLOWED.get(from)) {
                assertTrue("unknown package " + name(to), ALLOWED.containsKey(to));
                assertFalse("management package " + name(from) + " may not use host-side " + name(to),
                        MANAGEMENT_SIDE.contains(from) && HOST_SIDE.contains(to));
                assertFalse("host-side package " + name(from) + " may not use management package " + name(to),
                        HOST_SIDE.contains(from) && MANAGEMENT_SIDE.contains(to));
            }
        }
    }

    /** The rule is only worth something if the scan sees real arrows: the wrapper's own use of the agent runtime. */
    @Test
    public void theScanSeesArrowsThatAreOnlyInTheBytecode() throws IOException {
        Map<String, Map<String, Set<String>>> graph = observedGraph();
        assertTrue(graph.get(WRAPPER).containsKey("agent"));
        assertTrue(graph.get("agent").containsKey("command"));
    }

    private static Set<String> reachable(String from) {
        Set<String> seen = new TreeSet<>();
        List<String> todo = new ArrayList<>(ALLOWED.getOrDefault(from, Collections.emptySet()));
        while (!todo.isEmpty()) {
            String next = todo.remove(todo.size() - 1);
            if (seen.add(next)) {
                todo.addAll(ALLOWED.getOrDefault(next, Collections.emptySet()));
            }
        }
        return seen;
    }

    private static String name(String relative) {
        return relative.isEmpty() ? ROOT : relative.equals(WRAPPER) ? WRAPPER : ROOT + "." + relative;
    }

    /** Package -> package it uses -> the classes that use it, for the plugin's own compiled classes. */
    static Map<String, Map<String, Set<String>>> observedGraph() throws IOException {
        Path classes;
        try {
            classes = Paths.get(ElastiStorPool.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList());
        }
        for (Path file : files) {
            String className = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
            String from = ourPackage(className.replace('.', '/'));
            if (from == null) {
                continue;
            }
            for (String referenced : referencedTypes(file)) {
                String to = ourPackage(referenced);
                if (to != null && !to.equals(from)) {
                    graph.computeIfAbsent(from, k -> new TreeMap<>()).computeIfAbsent(to, k -> new TreeSet<>())
                            .add(className.substring(className.lastIndexOf('.') + 1));
                }
            }
        }
        return graph;
    }

    private static final Pattern OUR_TYPE = Pattern.compile("(io/elastisnap/cloudstack(?:/[a-z][a-z0-9]*)*|"
            + "com/cloud/hypervisor/kvm/resource/wrapper)/[A-Z]");

    /** A class name as a Class entry holds it, or inside a descriptor or signature ({@code Lpkg/Name;}). */
    private static final Pattern NAME_IN_DESCRIPTOR = Pattern.compile("L?([\\w/$]+)[;<]?");

    /** The package of an internal name (a/b/C) of ours, relative to the root, or null when it is not ours. */
    private static String ourPackage(String internalName) {
        Matcher m = OUR_TYPE.matcher(internalName);
        if (!m.lookingAt()) {
            return null;
        }
        String pkg = m.group(1).replace('/', '.');
        if (pkg.equals(WRAPPER)) {
            return WRAPPER;
        }
        return pkg.equals(ROOT) ? "" : pkg.substring(ROOT.length() + 1);
    }

    /** Every type named in the class file: class entries and the types inside descriptors and generic signatures. */
    private static Set<String> referencedTypes(Path classFile) throws IOException {
        Set<String> types = new HashSet<>();
        try (InputStream in = Files.newInputStream(classFile); DataInputStream data = new DataInputStream(in)) {
            data.readInt(); // magic
            data.readInt(); // minor, major
            int count = data.readUnsignedShort();
            for (int i = 1; i < count; i++) {
                int tag = data.readUnsignedByte();
                switch (tag) {
                    case 1: // Utf8: class names, descriptors, signatures (and string literals, which never match OUR_TYPE's shape)
                        String text = data.readUTF();
                        Matcher m = NAME_IN_DESCRIPTOR.matcher(text);
                        while (m.find()) {
                            types.add(m.group(1));
                        }
                        break;
                    case 5: // Long
                    case 6: // Double
                        data.readLong();
                        i++;
                        break;
                    case 3: // Integer
                    case 4: // Float
                    case 9: // Fieldref
                    case 10: // Methodref
                    case 11: // InterfaceMethodref
                    case 12: // NameAndType
                    case 17: // Dynamic
                    case 18: // InvokeDynamic
                        data.readInt();
                        break;
                    case 7: // Class
                    case 8: // String
                    case 16: // MethodType
                    case 19: // Module
                    case 20: // Package
                        data.readUnsignedShort();
                        break;
                    case 15: // MethodHandle
                        data.readUnsignedByte();
                        data.readUnsignedShort();
                        break;
                    default:
                        throw new IOException(classFile + ": unknown constant pool tag " + tag + " at entry " + i);
                }
            }
        }
        return types;
    }
}
