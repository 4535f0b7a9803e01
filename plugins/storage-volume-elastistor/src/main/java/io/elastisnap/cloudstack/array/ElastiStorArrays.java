// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.array;

/** Resolves a pool id to its ElastiCenter (per-pool credentials; several pools on several ElastiCenters side by side). */
public interface ElastiStorArrays {
    ElastiStorArray forPool(long poolId);

    /** Connection data for the agent command: endpoint and (decrypted) key of the pool. */
    PoolConnection connection(long poolId);
}
