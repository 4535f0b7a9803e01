// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.surface;

import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Compares every compiled surface class with the checked-in signature list of the real CloudStack 4.22 declarations
 * (written by {@link SourceSignatureExtractor}); any drift fails the build and names the member.
 */
public class SurfaceDriftGuardTest {
    private static Map<String, SignatureRecord> real;
    private static List<String> realOrder;
    private static Set<String> implemented;
    private static Set<String> surfaceTypes;

    @BeforeClass
    public static void load() throws IOException {
        real = new LinkedHashMap<>();
        realOrder = new ArrayList<>();
        for (String line : lines(SurfaceClasses.SIGNATURE_RESOURCE)) {
            SignatureRecord r = SignatureRecord.parse(line);
            real.put(r.id(), r);
            realOrder.add(r.id());
        }
        implemented = lines(SurfaceClasses.IMPLEMENTED_RESOURCE).stream().collect(Collectors.toSet());
        surfaceTypes = SurfaceClasses.binaryNames();
    }

    @Test
    public void everySurfaceDeclarationMatchesTheRealOne() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String typeName : surfaceTypes) {
            Class<?> type = Class.forName(typeName);
            for (SignatureRecord ours : ReflectionSignatures.describe(type)) {
                SignatureRecord theirs = real.get(ours.id());
                if (theirs == null) {
                    problems.add("not in CloudStack 4.22: " + ours.line());
                } else if (!detailMatches(ours, theirs)) {
                    problems.add("differs: surface " + ours.line() + " vs real " + theirs.line());
                }
            }
        }
        assertTrue(String.join("\n", problems), problems.isEmpty());
    }

    @Test
    public void implementedTypesDeclareEveryAbstractAndDefaultMethod() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String typeName : implemented) {
            assertTrue("implemented-types.txt names a type missing from the surface: " + typeName, surfaceTypes.contains(typeName));
            Set<String> ours = ReflectionSignatures.describe(Class.forName(typeName)).stream().map(SignatureRecord::id).collect(Collectors.toSet());
            for (SignatureRecord theirs : real.values()) {
                boolean mustHave = theirs.owner.equals(typeName) && theirs.kind.equals(SignatureRecord.METHOD)
                        && (theirs.detail.contains("abstract") || theirs.detail.contains("default"));
                if (mustHave && !ours.contains(theirs.id())) {
                    problems.add("missing in surface: " + theirs.line());
                }
            }
        }
        assertTrue(String.join("\n", problems), problems.isEmpty());
    }

    @Test
    public void enumsDeclareAllConstantsInOrder() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String typeName : surfaceTypes) {
            Class<?> type = Class.forName(typeName);
            if (!type.isEnum()) {
                continue;
            }
            List<String> ours = ReflectionSignatures.describe(type).stream().filter(r -> r.kind.equals(SignatureRecord.ENUM_CONSTANT))
                    .map(r -> r.key).collect(Collectors.toList());
            List<String> theirs = realOrder.stream().map(real::get)
                    .filter(r -> r.kind.equals(SignatureRecord.ENUM_CONSTANT) && r.owner.equals(typeName))
                    .map(r -> r.key).collect(Collectors.toList());
            if (!ours.equals(theirs)) {
                problems.add(typeName + ": surface " + ours + " vs real " + theirs);
            }
        }
        assertTrue(String.join("\n", problems), problems.isEmpty());
    }

    @Test
    public void theSignatureListDescribesOnlySurfaceTypes() {
        List<String> stale = real.values().stream().map(r -> r.owner).distinct().filter(o -> !surfaceTypes.contains(o))
                .collect(Collectors.toList());
        assertTrue("regenerate the signature list; it describes types the surface no longer has: " + stale, stale.isEmpty());
    }

    /** Modifiers must be equal; a constant's value must be equal when the real one is a literal. */
    private static boolean detailMatches(SignatureRecord ours, SignatureRecord theirs) {
        if (!ours.kind.equals(SignatureRecord.FIELD)) {
            return ours.detail.equals(theirs.detail);
        }
        String[] o = ours.detail.split("\\|", -1);
        String[] t = theirs.detail.split("\\|", -1);
        boolean sameTypeAndModifiers = o[0].equals(t[0]) && o[1].equals(t[1]);
        boolean sameValue = t[2].equals(SignatureRecord.NOT_CONSTANT) || t[2].equals(o[2]);
        return sameTypeAndModifiers && sameValue;
    }

    private static List<String> lines(String resource) throws IOException {
        try (InputStream in = SurfaceDriftGuardTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing test resource " + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return reader.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toList());
        }
    }
}
