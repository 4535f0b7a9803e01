// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import java.nio.file.Path;

/**
 * How a host reaches a zone's secondary storage: in the KVM agent, CloudStack's own storage pool manager mounts the
 * image store's URL (the NFS mount CloudStack's agent makes for its own snapshot backups); in tests, a directory.
 */
public interface SecondaryStorageMounts {
    /** The local directory where the store's root is mounted; throws when it cannot be mounted. */
    Path mount(String secondaryStorageUrl);
}
