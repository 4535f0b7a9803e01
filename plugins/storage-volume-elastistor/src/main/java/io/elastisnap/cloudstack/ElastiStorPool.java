// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack;

/** Names shared by the management-server classes: provider name and the storage pool detail keys we own. */
public final class ElastiStorPool {
    /** Value of createStoragePool provider=...; distinct from the in-tree "CloudByte" provider. */
    public static final String PROVIDER_NAME = "ElastiStor";

    /**
     * The admin's name for the API key (createStoragePool/updateStoragePool details[0].apisecretkey). It ends in
     * "secretkey" on purpose: CloudStack's API log (StringUtils.cleanString) strips parameters named *password,
     * *accesskey and *secretkey, so this one never reaches the management server's API log, while "apikey" would.
     */
    public static final String INPUT_API_KEY = "apisecretkey";

    public static final String DETAIL_URL = "elasticenter.url";
    /** Stored encrypted, with display=false, never in the same map as the displayed details. */
    public static final String DETAIL_API_KEY = "elasticenter.apikey";
    /** Displayed: why the last key set with updateStoragePool was not adopted (removed when a key is adopted). */
    /** A key set with updateStoragePool, encrypted and hidden while ElastiCenter has not yet accepted it. */
    public static final String DETAIL_PENDING_API_KEY = "elasticenter.apikey.pending";
    public static final String DETAIL_KEY_ROTATION = "elasticenter.apikey.rotation";
    public static final String DETAIL_TLS = "elasticenter.tls";
    public static final String DETAIL_ACCOUNT = "elasticenter.account";
    public static final String DETAIL_TSM = "elasticenter.tsm";

    /** createStoragePool details[0].chap: "false" exports the pool's volumes without CHAP (warned at every export). */
    public static final String INPUT_CHAP = "chap";
    /** createStoragePool details[0].chapauthgroup: an auth group made on the appliance to use instead of our own. */
    public static final String INPUT_CHAP_AUTH_GROUP = "chapauthgroup";
    /** "off" when the admin turned CHAP off; absent or "on" otherwise. */
    public static final String DETAIL_CHAP = "elasticenter.chap";
    public static final String CHAP_OFF = "off";
    public static final String DETAIL_CHAP_AUTH_GROUP_ID = "elasticenter.chap.authgroup.id";
    public static final String DETAIL_CHAP_USER = "elasticenter.chap.user";
    /** The CHAP secret: stored encrypted, with display=false, like the API key. */
    public static final String DETAIL_CHAP_SECRET = "elasticenter.chap.secret";

    /** Snapshot details recorded by the strategies. */
    public static final String SNAPSHOT_POOL_ID = "elastistor.pool.id";
    public static final String SNAPSHOT_ARRAY_PATH = "elastistor.snapshot.path";
    public static final String SNAPSHOT_ARRAY_VOLUME = "elastistor.snapshot.volume";
    public static final String SNAPSHOT_CONSISTENCY = "elastistor.consistency.level";
    public static final String SNAPSHOT_FROZEN_WINDOW_MS = "elastistor.frozen.window.ms";
    /** Why a snapshot is not FS_FROZEN when the guest could not be frozen (the engine's reason and message). */
    public static final String SNAPSHOT_CONSISTENCY_REASON = "elastistor.consistency.reason";
    /** Why a snapshot or VM snapshot failed: CloudStack 4.22's API error text says only "internal error". */
    public static final String SNAPSHOT_FAILURE = "elastistor.failure";
    /** SHA-256 of the snapshot's qcow2 backup on secondary storage (shown to users: they can check a copy with it). */
    public static final String SNAPSHOT_BACKUP_SHA256 = "elastistor.backup.sha256";
    /** Name of the temporary array clone a backup reads, recorded before it is created and removed after it is deleted. */
    public static final String SNAPSHOT_BACKUP_CLONE = "elastistor.backup.clone";
    /** "partial freeze of ... (the file systems on ...)" or "whole guest (why)": which file systems were frozen. */
    public static final String SNAPSHOT_FREEZE_SCOPE = "elastistor.freeze.scope";
    /** ElastiStor account and TSM ids resolved at registration (the admin may name them by name or id). */
    public static final String DETAIL_ACCOUNT_ID = "elasticenter.account.id";
    public static final String DETAIL_TSM_ID = "elasticenter.tsm.id";

    /** VM snapshot detail name prefix: one detail per CloudStack volume id, value "poolId|esVolumeId|snapshotPath". */
    public static final String VM_SNAPSHOT_VOLUME_PREFIX = "elastistor.volume.";

    private ElastiStorPool() {
    }
}
