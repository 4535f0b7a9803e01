// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.guard;

import static org.junit.Assert.assertEquals;

import io.elastisnap.engine.guard.GuardLauncher.Method;
import java.util.List;
import org.junit.Test;

public class GuardLauncherTest {

    @Test
    public void whereSystemdIsPid1TheGuardIsATransientServiceWithSetsidAsFallback() {
        assertEquals(List.of(Method.SYSTEMD_RUN, Method.SETSID), GuardLauncher.choose(true, true, true).methods());
    }

    @Test
    public void withoutSystemdAsPid1SystemdRunIsNotTriedEvenWhenInstalled() {
        // this machine: systemd-run is installed, but nothing answers it without systemd as PID 1
        assertEquals(List.of(Method.SETSID), GuardLauncher.choose(false, true, true).methods());
    }

    @Test
    public void withoutSystemdRunTheGuardGetsASessionOfItsOwn() {
        assertEquals(List.of(Method.SETSID), GuardLauncher.choose(true, false, true).methods());
    }

    @Test
    public void withNeitherThereIsNoWayToStartAGuard() {
        assertEquals(List.of(), GuardLauncher.choose(false, false, false).methods());
        assertEquals(List.of(Method.SYSTEMD_RUN), GuardLauncher.choose(true, true, false).methods());
    }

    @Test
    public void theTransientServiceGetsThisProcessesPipesAndAUniqueCollectedUnit() {
        assertEquals(List.of("systemd-run", "--quiet", "--no-ask-password", "--collect", "--pipe",
                "--unit=elastisnap-thaw-guard-s-1", "--description=ElastiSnap thaw guard of domain d", "--",
                "bash", "-c", "SCRIPT", "elastisnap-thaw-guard", "virsh", "qemu:///system", "d"),
                GuardLauncher.command(Method.SYSTEMD_RUN, "elastisnap-thaw-guard-s-1", "ElastiSnap thaw guard of domain d",
                        "SCRIPT", List.of("virsh", "qemu:///system", "d")));
    }

    @Test
    public void theSetsidCommandRunsTheSameScriptInANewSession() {
        assertEquals(List.of("setsid", "bash", "-c", "SCRIPT", "elastisnap-thaw-guard", "virsh", "qemu:///system", "d"),
                GuardLauncher.command(Method.SETSID, "elastisnap-thaw-guard-s-1", "ElastiSnap thaw guard of domain d",
                        "SCRIPT", List.of("virsh", "qemu:///system", "d")));
    }
}
