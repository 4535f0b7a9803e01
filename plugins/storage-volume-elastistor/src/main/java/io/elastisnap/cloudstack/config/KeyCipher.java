// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.config;

import io.elastisnap.elasticenter.Secret;

/** How pool secrets are stored: CloudStack encrypts them with its database key (see {@link DbKeyCipher}). */
public interface KeyCipher {
    String encrypt(Secret plain);

    /** @throws RuntimeException when the value cannot be decrypted; its message must never be passed on (it may quote the input) */
    Secret decrypt(String stored);
}
