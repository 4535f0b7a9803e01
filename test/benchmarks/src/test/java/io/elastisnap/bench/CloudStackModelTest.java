// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import io.elastisnap.engine.AgentCapabilities;
import io.elastisnap.engine.ArraySnapshot;
import io.elastisnap.engine.ArraySnapshotter;
import io.elastisnap.engine.DomainRunState;
import io.elastisnap.engine.FreezeStatus;
import io.elastisnap.engine.GuestQuiescer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

public class CloudStackModelTest {

    /** Records the calls of both sides in one sequence. */
    private static class Recorder implements GuestQuiescer, ArraySnapshotter {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger inFlight = new AtomicInteger();
        int maxInFlight;
        boolean frozen;

        @Override
        public DomainRunState runState(String d, Duration t) {
            calls.add("state");
            return DomainRunState.RUNNING;
        }

        @Override
        public void ping(String d, Duration t) {
            calls.add("ping");
        }

        @Override
        public AgentCapabilities capabilities(String d, Duration t) {
            return new AgentCapabilities("test", Set.of());
        }

        @Override
        public FreezeStatus freezeStatus(String d, Duration t) {
            calls.add("status");
            return frozen ? FreezeStatus.FROZEN : FreezeStatus.THAWED;
        }

        @Override
        public int freeze(String d, List<String> m, Duration t) {
            calls.add("freeze");
            frozen = true;
            return 1;
        }

        @Override
        public int thaw(String d, Duration t) {
            calls.add("thaw");
            frozen = false;
            return 1;
        }

        @Override
        public synchronized ArraySnapshot create(String volumeId, String name) {
            maxInFlight = Math.max(maxInFlight, inFlight.incrementAndGet());
            calls.add("snapshot " + volumeId);
            inFlight.decrementAndGet();
            return new ArraySnapshot(volumeId, name, "pool/" + volumeId + "@" + name, null);
        }

        @Override
        public void delete(ArraySnapshot s) {
            calls.add("delete " + s.volumeId());
        }
    }

    @Test
    public void freezesOnceSnapshotsEachVolumeInOrderThenThawsLikeStorageVmSnapshotStrategy() throws Exception {
        Recorder r = new Recorder();
        CloudStackModel.Outcome o = new CloudStackModel(r, r, Duration.ZERO)
                .snapshot("i-2-10-VM", List.of("v1", "v2", "v3"), List.of("s1", "s2", "s3"));
        assertEquals(List.of("state", "freeze", "status", "snapshot v1", "snapshot v2", "snapshot v3", "state", "thaw",
                "status"), r.calls);
        assertEquals("one snapshot at a time", 1, r.maxInFlight);
        assertEquals(3, o.snapshots.size());
    }

    @Test
    public void thawsEvenWhenASnapshotFails() {
        Recorder r = new Recorder() {
            @Override
            public synchronized ArraySnapshot create(String volumeId, String name) {
                throw new IllegalStateException("array down");
            }
        };
        assertThrows(IllegalStateException.class,
                () -> new CloudStackModel(r, r, Duration.ZERO).snapshot("vm", List.of("v1"), List.of("s1")));
        assertEquals("thaw", r.calls.get(r.calls.size() - 2));
    }

    @Test
    public void percentilesUseTheNearestRank() {
        List<Double> v = List.of(5.0, 1.0, 4.0, 2.0, 3.0);
        assertEquals(3.0, Stats.median(v), 0);
        assertEquals(5.0, Stats.percentile(v, 99), 0);
        assertEquals(1.0, Stats.percentile(v, 1), 0);
    }
}
