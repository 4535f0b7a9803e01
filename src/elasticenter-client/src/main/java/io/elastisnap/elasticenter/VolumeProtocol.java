// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

/** How a new volume is exported ({@code protocoltype} of createVolume). */
public enum VolumeProtocol {
    ISCSI, NFS
}
