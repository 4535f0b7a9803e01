// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.config;

/** How pool secrets are stored: CloudStack encrypts them with its database key (see {@link DbKeyCipher}). */
public interface KeyCipher {
    String encrypt(String plain);

    String decrypt(String stored);
}
