// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.store;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.elastisnap.engine.ConsistentSnapshotRequest;
import org.junit.Test;

public class SnapshotNamesTest {

    @Test
    public void namesAreReadableUniqueAndCarryTheSetId() {
        String set = SnapshotNames.newSetId();
        String name = SnapshotNames.name("i-2-10-VM", "vda", set);
        assertEquals("esnap-i-2-10-VM-vda-" + set, name);
        assertTrue(SnapshotNames.isOurs(name));
        assertEquals(set, SnapshotNames.setIdOf(name).orElseThrow());
        assertNotEquals(name, SnapshotNames.name("i-2-10-VM", "vda", SnapshotNames.newSetId()));
    }

    @Test
    public void unsafeCharactersBecomeUnderscoresSoZfsAcceptsTheName() {
        String name = SnapshotNames.name("web server/01@prod%", "sd-b", SnapshotNames.newSetId());
        assertTrue(name, ConsistentSnapshotRequest.SNAPSHOT_NAME.matcher(name).matches());
        assertTrue(name, name.startsWith("esnap-web_server_01_prod_-sd_b-"));
        assertTrue(SnapshotNames.isOurs(name));
    }

    @Test
    public void longDomainNamesAreCutButStayRecognisable() {
        String name = SnapshotNames.name("x".repeat(300), "vda", SnapshotNames.newSetId());
        assertTrue(name.length() <= ConsistentSnapshotRequest.MAX_SNAPSHOT_NAME_LENGTH);
        assertTrue(SnapshotNames.isOurs(name));
    }

    @Test
    public void foreignNamesAreNotOurs() {
        assertFalse(SnapshotNames.isOurs("daily-2025-11-21"));
        assertFalse(SnapshotNames.isOurs("esnap-vm-vda-not-a-uuid"));
        assertFalse(SnapshotNames.setIdOf("snap1").isPresent());
    }
}
