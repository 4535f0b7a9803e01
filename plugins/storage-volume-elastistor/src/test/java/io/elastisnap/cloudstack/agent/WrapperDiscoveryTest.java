// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.Before;
import org.junit.Test;

import com.cloud.resource.CommandWrapper;
import com.cloud.resource.ResourceWrapper;

import io.elastisnap.cloudstack.command.BackupSnapshotToSecondaryCommand;
import io.elastisnap.cloudstack.command.DeleteSnapshotBackupCommand;
import io.elastisnap.cloudstack.command.FreezeLeaseCommand;
import io.elastisnap.cloudstack.command.RestorePoolVolumeCommand;
import io.elastisnap.cloudstack.command.RestoreSnapshotBackupCommand;
import io.elastisnap.cloudstack.command.TakePoolSnapshotCommand;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotCommand;
import io.elastisnap.cloudstack.command.VerifySnapshotBackupCommand;

/**
 * Applies CloudStack's agent discovery rule (LibvirtRequestWrapper: Reflections over package
 * com.cloud.hypervisor.kvm.resource.wrapper, getSubTypesOf(CommandWrapper), skip classes without @ResourceWrapper,
 * newInstance() each, key by handles()) to the classes this plugin ships in that package.
 */
public class WrapperDiscoveryTest {
    private static final String WRAPPER_PACKAGE = "com/cloud/hypervisor/kvm/resource/wrapper";

    /** Constructing a wrapper starts the process runtime's journal recovery: never the host's real one from a test. */
    @Before
    public void installStandInRuntime() {
        AgentSnapshotRuntime.install((command, libvirt) -> {
            throw new AssertionError("discovery runs no command");
        });
    }

    @Test
    public void everyShippedWrapperIsDiscoverableAndHandlesOurOwnCommand() throws Exception {
        List<Class<?>> wrappers = shippedWrapperClasses();
        assertFalse("the plugin must ship at least one wrapper in " + WRAPPER_PACKAGE, wrappers.isEmpty());
        for (Class<?> type : wrappers) {
            assertTrue(type + " must extend CommandWrapper", CommandWrapper.class.isAssignableFrom(type));
            assertFalse(type + " must not be abstract", Modifier.isAbstract(type.getModifiers()));
            ResourceWrapper annotation = type.getAnnotation(ResourceWrapper.class);
            assertNotNull(type + " needs @ResourceWrapper or CloudStack skips it", annotation);
            assertTrue(Modifier.isPublic(type.getConstructor().getModifiers()));
            assertNotNull(type.getDeclaredConstructor().newInstance());
            assertTrue("handles() must be our own command, never a CloudStack one: " + annotation.handles(),
                    annotation.handles().getName().startsWith("io.elastisnap."));
        }
        Set<Class<?>> handled = wrappers.stream().map(w -> w.getAnnotation(ResourceWrapper.class).handles()).collect(Collectors.toSet());
        assertEquals(new HashSet<>(Arrays.asList(TakeConsistentSnapshotCommand.class, FreezeLeaseCommand.class,
                BackupSnapshotToSecondaryCommand.class, VerifySnapshotBackupCommand.class, RestoreSnapshotBackupCommand.class,
                DeleteSnapshotBackupCommand.class, TakePoolSnapshotCommand.class, RestorePoolVolumeCommand.class)), handled);
    }

    /** The plugin's own compiled classes in the wrapper package (the surface module's classes are a different root). */
    private static List<Class<?>> shippedWrapperClasses() throws Exception {
        URL ours = TakeConsistentSnapshotCommand.class.getProtectionDomain().getCodeSource().getLocation();
        Path dir = Paths.get(ours.toURI()).resolve(WRAPPER_PACKAGE);
        List<Class<?>> result = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (String name : files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .sorted().collect(Collectors.toList())) {
                Class<?> type = Class.forName(WRAPPER_PACKAGE.replace('/', '.') + "." + name.substring(0, name.length() - 6));
                if (CommandWrapper.class.isAssignableFrom(type)) {
                    result.add(type);
                }
            }
        }
        return result;
    }
}
