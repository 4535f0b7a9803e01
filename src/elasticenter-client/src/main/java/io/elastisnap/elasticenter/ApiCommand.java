// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

/**
 * The commands this client speaks, with the response envelope each one answers in (as real answers show: the name
 * differs from the command and its casing varies) and whether repeating it is harmless (only those are retried).
 */
enum ApiCommand {
    LIST_CAPABILITIES("listCapabilities", "listcapabilitiesresponse", true),
    LIST_ACCOUNT("listAccount", "listAccountResponse", true),
    LIST_TSM("listTsm", "listTsmResponse", true),
    ADD_QOS_GROUP("addQosGroup", "addqosgroupresponse", false),
    UPDATE_QOS_GROUP("updateQosGroup", "updateqosresponse", false),
    CREATE_VOLUME("createVolume", "createvolumeresponse", false),
    LIST_FILE_SYSTEM("listFileSystem", "listFilesystemResponse", true),
    UPDATE_FILE_SYSTEM("updateFileSystem", "updatefilesystemresponse", false),
    DELETE_FILE_SYSTEM("deleteFileSystem", "deleteFileSystemResponse", false),
    QUERY_ASYNC_JOB_RESULT("queryAsyncJobResult", "queryasyncjobresultresponse", true),
    LIST_VOLUME_ISCSI_SERVICE("listVolumeiSCSIService", "listVolumeiSCSIServiceResponse", true),
    UPDATE_VOLUME_ISCSI_SERVICE("updateVolumeiSCSIService", "updatingvolumeiscsidetails", false),
    LIST_ISCSI_INITIATOR("listiSCSIInitiator", "listInitiatorsResponse", true),
    LIST_ISCSI_AUTH_GROUP("listiSCSIAuthGroup", "listiSCSIAuthGroupResponse", true),
    LIST_ISCSI_AUTH_USER("listiSCSIAuthUser", "listiSCSIAuthUsersResponse", true),
    // The envelope is the one CloudByte's QA scripts read errors from; no successful answer was captured.
    ADD_ISCSI_AUTH_GROUP("addiSCSIAuthGroup", "tsmiSCSIAuthGroupResponse", false),
    // [INFERRED] no call was captured: named like deleteiSCSIInitiator (accountid, id), which CloudByte's QA scripts use;
    // the envelope follows the add's.
    DELETE_ISCSI_AUTH_GROUP("deleteiSCSIAuthGroup", "tsmiSCSIAuthGroupResponse", false),
    CREATE_STORAGE_SNAPSHOT("createStorageSnapshot", "createStorageSnapshotResponse", false),
    LIST_STORAGE_SNAPSHOTS("listStorageSnapshots", "listDatasetSnapshotsResponse", true),
    DELETE_SNAPSHOT("deleteSnapshot", "deleteSnapshotResponse", false),
    // [INFERRED] no capture of rollbackToSnapshot's envelope exists; any single envelope is accepted for it.
    ROLLBACK_TO_SNAPSHOT("rollbackToSnapshot", "rollbackToSnapshotResponse", false),
    CLONE_DATASET_SNAPSHOT("cloneDatasetSnapshot", "cloneDatasetSnapshot", false);

    /** The envelope of an unknown command (errorcode 432). */
    static final String ERROR_ENVELOPE = "errorresponse";

    private final String wireName;
    private final String envelope;
    private final boolean idempotent;

    ApiCommand(String wireName, String envelope, boolean idempotent) {
        this.wireName = wireName;
        this.envelope = envelope;
        this.idempotent = idempotent;
    }

    /** The {@code command=} value, exactly as the server spells it. */
    String wireName() {
        return wireName;
    }

    String envelope() {
        return envelope;
    }

    boolean idempotent() {
        return idempotent;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
