// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.array;

import java.util.Optional;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.Secret;

/** Resolves a pool id to its ElastiCenter (per-pool credentials; several pools on several ElastiCenters side by side). */
public interface ElastiStorArrays {
    ElastiStorArray forPool(long poolId);

    /** Connection data for the agent command: endpoint and (decrypted) key of the pool. */
    PoolConnection connection(long poolId);

    /** The pool's pooled, cached client for provisioning calls (volumes, exports, clones, statistics). */
    ElastiCenterClient client(long poolId);

    /** The cached client of a connection that is not (yet) a pool's: registration verifies with it. */
    ElastiCenterClient client(PoolConnection connection);

    /**
     * Adopts a key rotated with updateStoragePool once ElastiCenter accepts it, and hides an encrypted key an update
     * re-saved as displayed; says what it did, or empty when there was nothing to repair.
     */
    Optional<String> repairApiKey(long poolId);

    /** Stores a pool's API key encrypted, as a hidden detail, replacing any previous one. */
    void storeApiKey(long poolId, Secret apiKey);
}
