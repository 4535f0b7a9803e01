// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.driver;

import org.apache.cloudstack.engine.subsystem.api.storage.ChapInfo;

import io.elastisnap.cloudstack.array.ChapCredentials;
import io.elastisnap.elasticenter.Secret;

/**
 * What CloudStack hands the KVM host (DiskTO details chapInitiatorUsername/chapInitiatorSecret; its iSCSI adaptor
 * runs iscsiadm with them): the pool's CHAP user and secret. One-way CHAP: no target credentials. The secret leaves
 * its {@link Secret} only in {@link #getInitiatorSecret()}, which CloudStack's interface demands as text.
 */
final class ElastiStorChapInfo implements ChapInfo {
    private final ChapCredentials chap;

    ElastiStorChapInfo(ChapCredentials chap) {
        this.chap = chap;
    }

    @Override
    public String getInitiatorUsername() {
        return chap.user();
    }

    @Override
    public String getInitiatorSecret() {
        return chap.secret().reveal();
    }

    @Override
    public String getTargetUsername() {
        return null;
    }

    @Override
    public String getTargetSecret() {
        return null;
    }

    @Override
    public String toString() {
        return "ElastiStorChapInfo[" + chap + "]";
    }
}
