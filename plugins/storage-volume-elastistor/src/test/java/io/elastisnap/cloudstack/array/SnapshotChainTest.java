// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.array;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.Arrays;

import org.junit.Test;

import com.cloud.utils.exception.CloudRuntimeException;

/** The one "newer snapshots would be destroyed" guard the volume, VM-snapshot and driver reverts share. */
public class SnapshotChainTest {
    private final ElastiStorArray array = mock(ElastiStorArray.class);

    public SnapshotChainTest() {
        when(array.listSnapshots("v1")).thenReturn(Arrays.asList(new ArraySnapshotRef("cs-a", "p/v1@cs-a", false),
                new ArraySnapshotRef("cs-b", "p/v1@cs-b", false), new ArraySnapshotRef("vms-c-11", "p/v1@vms-c-11", true)));
    }

    @Test
    public void theNewestSnapshotCanBeRevertedTo() {
        SnapshotChain.refuseToDestroyNewer(array, new ArraySnapshotLocation(1L, "v1", "p/v1@vms-c-11"), "VM snapshot c", name -> false);
    }

    @Test
    public void anOlderOneIsRefusedNamingEverySnapshotItWouldDestroy() {
        assertRefused("p/v1@cs-a", "reverting to snapshot a would destroy the newer ElastiStor snapshots [cs-b, vms-c-11]; delete those"
                + " snapshots (or the VM snapshots that own them) first");
    }

    @Test
    public void aTargetThatIsGoneIsRefusedNamingIt() {
        assertRefused("p/v1@cs-z", "the ElastiStor snapshot p/v1@cs-z of snapshot a no longer exists on the array");
    }

    @Test
    public void newerOrphansDoNotBlockButOwnedSnapshotsStillDo() {
        // what takes a killed management server left (their snapshots are in Error, or have no row)
        SnapshotChain.refuseToDestroyNewer(array, new ArraySnapshotLocation(1L, "v1", "p/v1@cs-a"), "snapshot a", name -> true);
        assertRefused("p/v1@cs-a", "reverting to snapshot a would destroy the newer ElastiStor snapshots [vms-c-11]; delete those"
                + " snapshots (or the VM snapshots that own them) first", name -> name.equals("cs-b"));
    }

    private void assertRefused(String path, String message) {
        assertRefused(path, message, name -> false);
    }

    private void assertRefused(String path, String message, java.util.function.Predicate<String> isOrphan) {
        try {
            SnapshotChain.refuseToDestroyNewer(array, new ArraySnapshotLocation(1L, "v1", path), "snapshot a", isOrphan);
            fail();
        } catch (CloudRuntimeException e) {
            assertEquals(message, e.getMessage());
        }
    }
}
