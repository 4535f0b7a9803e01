// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the simulated ElastiStor knows, as plain fields so Gson can persist it. Only {@link SimulatedArray}
 * touches it, always under its lock.
 */
final class SimState {
    int formatVersion = 1;
    int lastSimpleId;
    String defaultAccountId;
    String defaultTsmId;
    Map<String, Account> accounts = new LinkedHashMap<>();
    Map<String, Tsm> tsms = new LinkedHashMap<>();
    Map<String, QosGroup> qosGroups = new LinkedHashMap<>();
    Map<String, Volume> volumes = new LinkedHashMap<>();
    Map<String, AuthGroup> authGroups = new LinkedHashMap<>();
    Map<String, Job> jobs = new LinkedHashMap<>();

    int nextSimpleId() {
        return ++lastSimpleId;
    }

    static final class Account {
        String id;
        String name;
        int simpleId;
        /** yyyy-MM of creation; the date part of every IQN of the account. */
        String iqnDate;
        String allInitiatorGroupId;
        String noneInitiatorGroupId;
        /** The built-in auth group "None"; null in state files written before auth groups existed. */
        String noneAuthGroupId;
        String userId;
    }

    /** An iSCSI auth group with its CHAP user, as {@code addiSCSIAuthGroup} creates them (one user per group). */
    static final class AuthGroup {
        String id;
        String accountId;
        String name;
        String comment;
        String userId;
        String chapUser;
        String chapSecret;
        String mutualChapUser;
        String mutualChapSecret;
    }

    static final class Tsm {
        String id;
        String name;
        int simpleId;
        String accountId;
        String datasetId;
        String poolId;
        String poolName;
        String ipAddress;
        String controllerId;
        String clusterId;
        String siteId;
        long totalIops;
        long quotaMib;
    }

    static final class QosGroup {
        String id;
        String name;
        String tsmId;
        long iops;
        String latency;
        String throughput;
        String blocksize;
        boolean graceAllowed;
        boolean iopsControl;
        boolean tpControl;
        String memlimit;
        String networkspeed;
        /** 0 when added; every update adds one. */
        int revision;
    }

    static final class Volume {
        String id;
        String name;
        int simpleId;
        String tsmId;
        String qosGroupId;
        long sizeBytes;
        boolean iscsi;
        String compression;
        String sync;
        String recordsize;
        String deduplication;
        String blocklength;
        boolean readonly;
        String iscsiServiceId;
        /** null until updateVolumeiSCSIService assigns a group. */
        String initiatorGroupId;
        String authMethod;
        String authGroupId;
        String queueDepth;
        boolean iscsiEnabled;
        /** The snapshot this volume was cloned from, or null. */
        String originSnapshotId;
        String originVolumeId;
        List<Snapshot> snapshots = new ArrayList<>();
    }

    static final class Snapshot {
        String id;
        String name;
        long createdMillis;
        /** The volume size when the snapshot was taken: a rollback or a clone gets this size. */
        long sizeBytes;
        /** Volumes cloned from this snapshot; while non-empty the snapshot cannot be deleted. */
        List<String> cloneVolumeIds = new ArrayList<>();
    }

    static final class Job {
        String id;
        String command;
        String cmdClass;
        String accountId;
        String userId;
        String created;
        long completeAtMillis;
        Map<String, String> params = new LinkedHashMap<>();
        /** 0 pending, 1 succeeded, 2 failed. */
        int status;
        int resultCode;
        String msg;
        /** The jobresult object as JSON text, set once the job finished. */
        String resultJson;
        /** Fault holding the job at status 0; not persisted, so a restart releases held jobs. */
        transient Faults.ActiveFault heldBy;
    }
}
