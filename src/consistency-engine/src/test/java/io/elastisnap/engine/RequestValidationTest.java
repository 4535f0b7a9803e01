// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import static io.elastisnap.engine.ConsistencyEngineTest.expectFailure;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.elastisnap.engine.ConsistentSnapshotException.Reason;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;

public class RequestValidationTest {
    @Rule
    public final EngineFixture f = new EngineFixture();

    @Test
    public void aValidRequestHasNoProblems() {
        assertEquals(Collections.emptyList(), f.request(2).mountPoints(Arrays.asList("/", "C:\\")).build().problems());
        assertEquals(Collections.emptyList(), FreezeLimits.defaults().problems());
    }

    @Test
    public void noVolumes() throws Exception {
        assertRejected(ConsistentSnapshotRequest.builder(f.domain).build(), "no volumes to snapshot");
    }

    @Test
    public void duplicateVolumeIds() throws Exception {
        assertRejected(f.request(0).volume("vol-a", "s1").volume("vol-a", "s2").build(),
                "volume #2: volume id 'vol-a' is listed more than once");
    }

    @Test
    public void blankIdsAndNames() throws Exception {
        assertRejected(ConsistentSnapshotRequest.builder(" ").volume("", "s").volume("v", " ").build(),
                "domain name is blank", "volume #1: volume id is blank", "volume #2 ('v'): snapshot name is blank");
    }

    @Test
    public void snapshotNamesMustBeValidZfsNames() throws Exception {
        char[] tooLong = new char[201];
        Arrays.fill(tooLong, 'a');
        assertRejected(f.request(0).volume("v1", "has space").volume("v2", "a/b").volume("v3", "x@y")
                        .volume("v4", new String(tooLong)).volume("v5", "..").volume("v6", "ok_name-1.2:3").build(),
                "'has space' has characters outside [A-Za-z0-9_.:-]", "'a/b' has characters", "'x@y' has characters",
                "201 characters long, at most 200", "'..' is reserved");
    }

    @Test
    public void nameOfExactlyTheMaximumLengthIsFine() {
        char[] maximum = new char[200];
        Arrays.fill(maximum, 'z');
        assertEquals(Collections.emptyList(), f.request(0).volume("v", new String(maximum)).build().problems());
    }

    @Test
    public void mountPoints() throws Exception {
        assertRejected(f.request(1).mountPoints(Arrays.asList("/data", "", "/data", "/x\n")).build(),
                "a mount point is blank", "mount point '/data' is listed more than once", "contains control characters");
    }

    @Test
    public void limits() throws Exception {
        FreezeLimits bad = FreezeLimits.builder().maxFrozenWindow(Duration.ofSeconds(5)).freezeTimeout(Duration.ofSeconds(5))
                .thawTimeout(Duration.ofSeconds(10)).thawRetryFor(Duration.ofSeconds(1))
                .thawRetryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build();
        assertRejected(f.request(1, bad).build(), "freezeTimeout (5000 ms) must be shorter than maxFrozenWindow (5000 ms)",
                "thawRetryFor (1000 ms) must be at least thawTimeout (10000 ms)", "thawRetryBackoff initial (2000 ms) exceeds its max");

        FreezeLimits negative = FreezeLimits.builder().preflightTimeout(Duration.ofMillis(-1)).snapshotTimeout(Duration.ZERO).build();
        assertRejected(f.request(1, negative).build(), "preflightTimeout must be positive, is -1 ms", "snapshotTimeout must be positive, is 0 ms");
    }

    @Test
    public void missingPolicyAndLimits() throws Exception {
        assertRejected(f.request(1).policy(null).limits(null).build(), "consistency policy is not set", "limits are not set");
    }

    private void assertRejected(ConsistentSnapshotRequest request, String... expectedProblems) {
        ConsistentSnapshotException e = expectFailure(f.engine(), request);

        assertEquals(Reason.INVALID_REQUEST, e.reason());
        for (String problem : expectedProblems) {
            assertTrue("'" + problem + "' in: " + e.getMessage(), e.getMessage().contains(problem));
        }
        assertEquals("no side effect", Collections.emptyList(), f.log.events());
        assertTrue(f.array.existing().isEmpty());
        List<VolumeOutcome> outcomes = e.volumeOutcomes();
        assertEquals(request.volumes().size(), outcomes.size());
        outcomes.forEach(o -> assertEquals(VolumeOutcome.State.NOT_STARTED, o.state()));
    }
}
