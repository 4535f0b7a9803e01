// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack;

import com.cloud.storage.StoragePool;
import com.cloud.utils.exception.CloudRuntimeException;

/**
 * An operation the plugin refuses, with a message meant for the user. CloudStack 4.22's API commands turn most
 * failures into "... due to an internal error" and keep the message only of an UnsupportedOperationException cause
 * (createSnapshot: "Failed to create snapshot due to unsupported operation: <message>"), so a refusal carries one.
 */
public final class Refusal {
    private Refusal() {
    }

    public static CloudRuntimeException of(String message) {
        return new CloudRuntimeException(message, new UnsupportedOperationException(message));
    }

    /**
     * A refused or failed volume snapshot take, in the one form whose message reaches the createSnapshot answer on both
     * of 4.22's paths. A detached volume's take is called by createSnapshot itself, which keeps the message of an
     * UnsupportedOperationException cause. An attached volume's take runs in the VM's work job; its failure is
     * serialized into the job result and reaches createSnapshot as the cause of "Unexpected exception", so it must
     * itself be an UnsupportedOperationException (a JDK class: the job result deserializes on any server).
     */
    public static UnsupportedOperationException ofTake(String message) {
        return new UnsupportedOperationException(message, new UnsupportedOperationException(message));
    }

    /** Refuses {@code operation} on a pool in (or entering) maintenance: the array must not change under it. */
    public static void unlessInService(StoragePool pool, String operation) {
        if (pool != null && pool.isInMaintenance()) {
            throw of(operation + " is refused: ElastiStor pool " + pool.getName() + " is in maintenance; cancel it first"
                    + " (cancelStorageMaintenance id=" + pool.getUuid() + ")");
        }
    }

    /**
     * A failure whose cause the user must see (createSnapshot would otherwise answer "internal error" and keep the real
     * cause for the log): the message travels as a refusal does, the original failure stays attached for the log.
     */
    public static CloudRuntimeException failure(String message, Throwable cause) {
        CloudRuntimeException failure = of(message);
        failure.addSuppressed(cause);
        return failure;
    }
}
