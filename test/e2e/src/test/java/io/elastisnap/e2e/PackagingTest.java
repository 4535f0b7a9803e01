// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import org.junit.Test;

/**
 * What users install: the plugin jar goes next to CloudStack's own jars, so it must carry our module wiring and our
 * code, and must not shadow CloudStack's classes or the libraries CloudStack already ships.
 */
public class PackagingTest {
    /** The engine runs it from its jar as the thaw guard: the agent and the CLI must carry it. */
    private static final String THAW_GUARD_SCRIPT = "io/elastisnap/engine/guard/thaw-guard.sh";

    private static final String MODULE_DIR = "META-INF/cloudstack/storage-volume-elastistor/";

    /** Libraries on CloudStack's management and agent classpaths: a second copy in our jar would shadow them. */
    private static final List<String> LIBRARIES_CLOUDSTACK_SHIPS = List.of(
            "com/google/gson/", "org/apache/http/", "org/apache/logging/", "org/libvirt/", "com/sun/jna/",
            "org/springframework/", "javax/inject/", "picocli/", "org/bouncycastle/");

    private static final Path REPO_ROOT = Paths.get(System.getProperty("elastisnap.repo.root", "../.."));

    @Test
    public void pluginJarCarriesSpringModuleWiring() throws IOException {
        Set<String> entries = entries(pluginJar());
        assertTrue("module.properties missing", entries.contains(MODULE_DIR + "module.properties"));
        assertTrue("Spring context XML missing",
                entries.stream().anyMatch(e -> e.startsWith(MODULE_DIR) && e.endsWith("context.xml")));

        try (JarFile jar = new JarFile(pluginJar().toFile());
             InputStream in = jar.getInputStream(jar.getEntry(MODULE_DIR + "module.properties"))) {
            Properties module = new Properties();
            module.load(in);
            // CloudStack refuses a module whose name differs from its directory, and needs 'storage' as parent.
            assertEquals("storage-volume-elastistor", module.getProperty("name"));
            assertEquals("storage", module.getProperty("parent"));
        }
    }

    @Test
    public void pluginJarCarriesOurCoreAndAgentWrappers() throws IOException {
        Set<String> entries = entries(pluginJar());
        assertTrue("ElastiCenter client not bundled", hasClassUnder(entries, "io/elastisnap/elasticenter/"));
        assertTrue("consistency engine not bundled", hasClassUnder(entries, "io/elastisnap/engine/"));
        assertTrue("the thaw guard's script not bundled", entries.contains(THAW_GUARD_SCRIPT));
        // LibvirtRequestWrapper discovers agent handlers only in this package.
        assertTrue("no KVM agent wrapper", hasClassUnder(entries, "com/cloud/hypervisor/kvm/resource/wrapper/"));
    }

    @Test
    public void pluginJarBundlesNoLibraryCloudStackShips() throws IOException {
        Set<String> entries = entries(pluginJar());
        for (String library : LIBRARIES_CLOUDSTACK_SHIPS) {
            assertFalse("plugin jar bundles " + library, hasClassUnder(entries, library));
        }
    }

    @Test
    public void pluginJarContainsNoClassOfTheCompileSurface() throws IOException {
        Path surface = findJar(REPO_ROOT.resolve("plugins/cloudstack-api-surface/target"), "cloudstack-api-surface-");
        assumeTrue("built against real CloudStack jars (-Pcloudstack-jars): no surface jar to compare", surface != null);
        Set<String> surfaceClasses = entries(surface).stream().filter(e -> e.endsWith(".class")).collect(Collectors.toSet());
        assertFalse("surface jar is empty", surfaceClasses.isEmpty());

        Set<String> leaked = entries(pluginJar()).stream().filter(surfaceClasses::contains).collect(Collectors.toSet());
        assertTrue("CloudStack declarations leaked into the plugin jar: " + leaked, leaked.isEmpty());
    }

    @Test
    public void cliJarIsRunnableAndCarriesNoSimulator() throws IOException {
        try (JarFile jar = runnableJar("src/cli/target/elastisnap.jar", "io.elastisnap.cli.Main")) {
            // A plain libvirt host has none of these: the CLI must bring them.
            assertNotNull(jar.getEntry("org/libvirt/Connect.class"));
            assertNotNull(jar.getEntry("com/sun/jna/Native.class"));
            assertNotNull("the thaw guard's script", jar.getEntry(THAW_GUARD_SCRIPT));
            // The operator's tool ships no fake appliance (and so no BouncyCastle, which only the simulator needs).
            assertNull(jar.getEntry("io/elastisnap/simulator/ElastiCenterSimulator.class"));
            assertNull(jar.getEntry("io/elastisnap/demo/DemoMain.class"));
            assertFalse("BouncyCastle in the CLI jar", jar.stream().anyMatch(e -> e.getName().startsWith("org/bouncycastle/")));
        }
    }

    @Test
    public void demoJarIsRunnableAndBringsTheSimulator() throws IOException {
        try (JarFile jar = runnableJar("src/demo/target/elastisnap-demo.jar", "io.elastisnap.demo.DemoMain")) {
            assertNotNull(jar.getEntry("io/elastisnap/simulator/ElastiCenterSimulator.class"));
            assertNotNull(jar.getEntry("io/elastisnap/cli/ops/CreateOperation.class"));
        }
    }

    /** The jar at {@code path}, checked to name {@code mainClass} as its Main-Class and to contain it. */
    private static JarFile runnableJar(String path, String mainClass) throws IOException {
        Path file = REPO_ROOT.resolve(path);
        assertTrue("jar missing: " + file, Files.isRegularFile(file));
        JarFile jar = new JarFile(file.toFile());
        Manifest manifest = jar.getManifest();
        assertNotNull(manifest);
        String main = manifest.getMainAttributes().getValue("Main-Class");
        assertEquals(mainClass, main);
        assertNotNull("Main-Class not in the jar", jar.getEntry(main.replace('.', '/') + ".class"));
        return jar;
    }

    private static Path pluginJar() throws IOException {
        Path jar = findJar(REPO_ROOT.resolve("plugins/storage-volume-elastistor/target"),
                "cloud-plugin-storage-volume-elastistor-");
        if (jar == null) {
            fail("plugin jar not built under " + REPO_ROOT.toAbsolutePath() + "/plugins/storage-volume-elastistor/target");
        }
        return jar;
    }

    private static Path findJar(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, prefix + "*.jar")) {
            for (Path jar : jars) {
                String name = jar.getFileName().toString();
                if (!name.startsWith("original-") && !name.endsWith("-sources.jar") && !name.endsWith("-tests.jar")) {
                    return jar;
                }
            }
        }
        return null;
    }

    private static Set<String> entries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(e -> e.getName()).collect(Collectors.toSet());
        }
    }

    private static boolean hasClassUnder(Set<String> entries, String prefix) {
        return entries.stream().anyMatch(e -> e.startsWith(prefix) && e.endsWith(".class"));
    }
}
