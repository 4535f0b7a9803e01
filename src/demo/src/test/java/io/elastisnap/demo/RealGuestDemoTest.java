// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.demo;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Map;
import org.junit.Test;

/**
 * The default demo on the e2e fixture's real QEMU guest: each create freezes the guest for real, its heartbeat stops
 * and resumes, and the snapshots' ext4 is clean. Runs with {@code -Delastisnap.e2e=true} (as the test command does,
 * with the fixture started); skipped otherwise.
 */
public class RealGuestDemoTest {
    @Test
    public void theGuestIsReallyFrozenAndItsSnapshotsAreClean() {
        assumeTrue("real-guest test: needs -Delastisnap.e2e=true and resources/e2e/fixture.sh start",
                Boolean.getBoolean("elastisnap.e2e"));

        DemoTest.Run r = DemoTest.run(System.getenv(), "--json");

        assertEquals(r.toString(), 0, r.exitCode);
        JsonArray steps = r.steps();
        for (int create : new int[] {1, 2}) {
            JsonObject result = steps.get(create).getAsJsonObject().getAsJsonObject("result");
            assertEquals(r.out, "FS_FROZEN", result.get("consistencyLevel").getAsString());
            assertTrue(r.out, result.getAsJsonObject("guest").get("writesStoppedAndResumed").getAsBoolean());
            for (String disk : new String[] {"vda", "vdb"}) {
                assertTrue(r.out, result.getAsJsonObject("snapshotFileSystems").getAsJsonObject(disk).get("clean").getAsBoolean());
            }
        }
        JsonObject held = steps.get(1).getAsJsonObject().getAsJsonObject("result");
        assertTrue("the held freeze shows as a heartbeat gap of most of the hold: " + held,
                held.getAsJsonObject("guest").get("longestHeartbeatGapMs").getAsLong() >= Demo.HOLD.toMillis() * 9 / 10);
    }
}
