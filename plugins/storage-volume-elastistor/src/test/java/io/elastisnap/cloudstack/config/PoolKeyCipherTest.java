// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.config;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import org.junit.Test;

import io.elastisnap.cloudstack.testsupport.SimulatedPools;
import io.elastisnap.elasticenter.Secret;

public class PoolKeyCipherTest {
    private static final String KEY = "Kx7-ElastiCenter-api-key-0123456789";

    @Test
    public void theStoredValueCarriesTheKeyInNoForm() {
        Map<String, String> configuration = new HashMap<>();
        PoolKeyCipher cipher = SimulatedPools.cipher(configuration);

        String stored = cipher.encrypt(Secret.of(KEY));

        assertFalse(stored.contains(KEY));
        assertFalse(stored.contains(Base64.getEncoder().encodeToString(KEY.getBytes(StandardCharsets.UTF_8))));
        assertTrue(cipher.isCurrent(stored));
        assertNotEquals("a fresh IV each time", stored, cipher.encrypt(Secret.of(KEY)));
        assertEquals(Secret.of(KEY), cipher.decrypt(stored));
        assertFalse("the key-encryption key is not the pool key", configuration.get(PoolKeyCipher.KEY_ENCRYPTION_KEY_SETTING).contains(KEY));
    }

    @Test
    public void managementServersSharingTheDatabaseShareTheKeyEncryptionKey() {
        Map<String, String> configuration = new HashMap<>();
        String stored = SimulatedPools.cipher(configuration).encrypt(Secret.of(KEY));

        assertEquals(Secret.of(KEY), SimulatedPools.cipher(configuration).decrypt(stored));
    }

    @Test
    public void aValueFromAnotherInstallationFailsWithoutQuotingIt() {
        String stored = SimulatedPools.cipher(new HashMap<>()).encrypt(Secret.of(KEY));
        try {
            SimulatedPools.cipher(new HashMap<>()).decrypt(stored);
            fail();
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(PoolKeyCipher.KEY_ENCRYPTION_KEY_SETTING));
            assertFalse(e.getMessage().contains(stored.substring(5)));
        }
    }

    @Test
    public void aValueOfAnEarlierVersionIsReadAndReportedForReEncryption() {
        PoolKeyCipher cipher = SimulatedPools.cipher(new HashMap<>());
        String legacy = SimulatedPools.legacyEncrypt(KEY);
        assertFalse(cipher.isCurrent(legacy));
        assertEquals(Secret.of(KEY), cipher.decrypt(legacy));
    }
}
