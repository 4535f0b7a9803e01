// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;

public class SnapshotBatchTest {
    private final EventLog log = new EventLog();
    private final FakeArray array = new FakeArray(log);
    private final ExecutorService calls = Executors.newCachedThreadPool();

    @After
    public void tearDown() {
        calls.shutdownNow();
    }

    /**
     * The window may be over before anyone closed the batch: a stalled process, while a thaw guard outside it has
     * thawed the guest. A snapshot answered after the deadline may have been taken thawed, so it must not count.
     */
    @Test
    public void anAnswerAfterTheDeadlineIsLateEvenIfNobodyClosedTheBatch() throws Exception {
        SnapshotBatch batch = new SnapshotBatch("i-2-10-VM", List.of(new VolumeRequest("vol-0", "snap-1", null, null)));
        Semaphore slots = new Semaphore(1);
        ArraySlotReservation reservation = ArraySlotReservation.tryReserve(slots, 1, 0);

        batch.startAll(calls, array, reservation, System.nanoTime() - 1);
        // the call gives its slot back once its answer went into the batch: only then close, as a stalled orchestrator would
        assertTrue(slots.tryAcquire(10, TimeUnit.SECONDS));
        SnapshotBatch.Closed closed = batch.close();

        assertEquals(SnapshotBatch.Slot.IN_FLIGHT, closed.slots[0]);
        List<VolumeOutcome> outcomes = batch.lateCleanup(List.of(new VolumeOutcome("vol-0", "snap-1",
                VolumeOutcome.State.PENDING, null, null))).get(10, TimeUnit.SECONDS);
        assertEquals(VolumeOutcome.State.DELETED, outcomes.get(0).state());
        assertTrue(array.existing().isEmpty());
    }
}
