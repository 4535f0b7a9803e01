// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.config;

import com.cloud.utils.crypt.DBEncryptionUtil;

import io.elastisnap.elasticenter.Secret;

/**
 * Encrypts with the management server's database encryption key, as CloudStack's own storage plugins store gateway
 * passwords and tokens in storage_pool_details (ScaleIO, the adaptive plugins).
 */
public class DbKeyCipher implements KeyCipher {
    @Override
    public String encrypt(Secret plain) {
        return DBEncryptionUtil.encrypt(plain.reveal());
    }

    @Override
    public Secret decrypt(String stored) {
        return Secret.of(DBEncryptionUtil.decrypt(stored));
    }
}
