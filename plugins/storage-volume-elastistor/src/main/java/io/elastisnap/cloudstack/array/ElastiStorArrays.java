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

    /** Stores a pool's API key encrypted, as a hidden detail, replacing any previous one. */
    void storeApiKey(long poolId, Secret apiKey);

    /**
     * Takes a key that CloudStack's updateStoragePool stored as a plain displayed detail out of the details at once, and
     * adopts it (encrypted, hidden) once ElastiCenter accepts it; re-encrypts a key stored by an earlier version and
     * hides an encrypted key an update re-saved as displayed. Says what it did, or empty when there was nothing to do.
     */
    Optional<String> protectApiKey(long poolId);

    /**
     * The pool's CHAP: empty only when the admin registered it with {@code details[0].chap=false}. A pool registered
     * before CHAP existed gets its own auth group at the first call.
     */
    Optional<ChapCredentials> chap(long poolId);

    /**
     * CHAP for an account on the appliance: the user of the existing auth group {@code authGroupName}, or (null) a new
     * auth group whose user has a random secret. Nothing is stored.
     */
    ChapCredentials prepareChap(ElastiCenterClient client, String accountId, String authGroupName);

    /** Stores a pool's CHAP: group and user as details, the secret encrypted and hidden like the API key. */
    void storeChap(long poolId, ChapCredentials chap);
}
