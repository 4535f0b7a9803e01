// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.config;

import io.elastisnap.elasticenter.Secret;

/** How pool secrets are stored (see {@link PoolKeyCipher}). */
public interface KeyCipher {
    String encrypt(Secret plain);

    /** @throws RuntimeException when the value cannot be decrypted; its message must never be passed on (it may quote the input) */
    Secret decrypt(String stored);

    /** False for a value stored by an older version of the plugin, which should be stored again with {@link #encrypt}. */
    boolean isCurrent(String stored);
}
