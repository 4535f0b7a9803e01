// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.config;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.UnaryOperator;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.inject.Inject;

import org.apache.cloudstack.framework.config.dao.ConfigurationDao;

import com.cloud.utils.crypt.DBEncryptionUtil;

import io.elastisnap.elasticenter.Secret;

/**
 * Encrypts pool API keys with AES-256-GCM under a key-encryption key of this plugin, so the key is never stored in
 * clear, also where CloudStack's database encryption is off (DBEncryptionUtil then stores values as they are, and
 * CloudStack shows every pool detail, hidden ones included, to root admins in listStoragePools, job results and the
 * logs that record them). The key-encryption key is generated once into a Hidden global setting, which
 * listConfigurations never shows and which CloudStack encrypts with its database key when it has one; every
 * management server of the installation reads the same one. Values stored by earlier versions (DBEncryptionUtil) are
 * still read, and re-stored by {@code ElastiCenterArrays} at the pool's next use.
 */
public class PoolKeyCipher implements KeyCipher {
    public static final String KEY_ENCRYPTION_KEY_SETTING = "elastistor.pool.key.encryption.key";
    private static final String FORMAT = "esk1:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    private final UnaryOperator<String> legacyDecrypt;
    @Inject
    private ConfigurationDao configurationDao;
    private volatile SecretKeySpec keyEncryptionKey;

    public PoolKeyCipher() {
        this(DBEncryptionUtil::decrypt);
    }

    /** @param legacyDecrypt reads values stored before this format (CloudStack's DBEncryptionUtil) */
    public PoolKeyCipher(UnaryOperator<String> legacyDecrypt) {
        this.legacyDecrypt = legacyDecrypt;
    }

    @Override
    public String encrypt(Secret plain) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keyEncryptionKey(), new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = cipher.doFinal(plain.reveal().getBytes(StandardCharsets.UTF_8));
            return FORMAT + Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot encrypt an ElastiCenter API key: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public Secret decrypt(String stored) {
        if (!isCurrent(stored)) {
            return Secret.of(legacyDecrypt.apply(stored));
        }
        byte[] data = Base64.getDecoder().decode(stored.substring(FORMAT.length()));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, keyEncryptionKey(), new GCMParameterSpec(TAG_BITS, data, 0, IV_BYTES));
            return Secret.of(new String(cipher.doFinal(data, IV_BYTES, data.length - IV_BYTES), StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The stored ElastiCenter API key does not decrypt with " + KEY_ENCRYPTION_KEY_SETTING
                    + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public boolean isCurrent(String stored) {
        return stored != null && stored.startsWith(FORMAT);
    }

    private SecretKeySpec keyEncryptionKey() {
        SecretKeySpec key = keyEncryptionKey;
        if (key == null) {
            synchronized (this) {
                if (keyEncryptionKey == null) {
                    keyEncryptionKey = new SecretKeySpec(Base64.getDecoder().decode(storedKeyEncryptionKey()), "AES");
                }
                key = keyEncryptionKey;
            }
        }
        return key;
    }

    /** The installation's one key-encryption key: read, or generated and stored by the first management server to need it. */
    private String storedKeyEncryptionKey() {
        String existing = configurationDao.getValue(KEY_ENCRYPTION_KEY_SETTING);
        if (existing != null && !existing.isEmpty()) {
            return existing;
        }
        byte[] fresh = new byte[32];
        random.nextBytes(fresh);
        try {
            return configurationDao.getValueAndInitIfNotExist(KEY_ENCRYPTION_KEY_SETTING, "Hidden",
                    Base64.getEncoder().encodeToString(fresh), "Encrypts the ElastiCenter API keys of ElastiStor pools; never change it");
        } catch (RuntimeException e) {
            // another management server stored its key first: use that one
            String winner = configurationDao.getValue(KEY_ENCRYPTION_KEY_SETTING);
            if (winner == null || winner.isEmpty()) {
                throw e;
            }
            return winner;
        }
    }
}
