// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import io.elastisnap.elasticenter.FileSystem;

import java.nio.file.Path;

/**
 * How this host reaches an array volume's data (a snapshot's temporary clone, or a volume to restore into).
 *
 * <ul>
 *   <li>{@link #iscsi(int, int)}: the volume's iSCSI target at the address ElastiCenter reports for it, read with
 *       qemu-img's own initiator; needs nothing on the host but qemu-img with its iSCSI driver.</li>
 *   <li>{@link #files(String)}: a path built from the volume id, e.g. {@code /dev/disk/by-path/...} of a LUN that
 *       iscsiadm logged in (CloudStack's KVM agent), or the ElastiCenter simulator's image files
 *       ({@code <data-dir>/volumes/{id}.img}) in a lab without an appliance.</li>
 * </ul>
 */
@FunctionalInterface
public interface VolumeAccess {
    /** The initiator group a clone is exported to when it is read over iSCSI. */
    String CLONE_INITIATOR_GROUP = "ALL";

    DataLocation locate(FileSystem volume);

    /** Whether a volume must be exported over iSCSI (its target opened to initiators) before it can be located. */
    default boolean overIscsi() {
        return false;
    }

    /** iSCSI portal {@code <volume's ipaddress>:port}, target = the volume's iqn, this LUN (ElastiStor: 0). */
    static VolumeAccess iscsi(int port, int lun) {
        return new IscsiVolumeAccess(port, lun);
    }

    /** {@link #iscsi(int, int)}. */
    final class IscsiVolumeAccess implements VolumeAccess {
        private final int port;
        private final int lun;

        private IscsiVolumeAccess(int port, int lun) {
            this.port = port;
            this.lun = lun;
        }

        @Override
        public boolean overIscsi() {
            return true;
        }

        @Override
        public DataLocation locate(FileSystem volume) {
            String address = volume.ipAddress().orElseThrow(() -> new TransferException(TransferException.Kind.BAD_INPUT,
                    "ElastiCenter reports no iSCSI address for volume " + volume.name() + " (" + volume.id() + ")",
                    "enable iSCSI on the volume or use file access"));
            String iqn = volume.iqn().orElseThrow(() -> new TransferException(TransferException.Kind.BAD_INPUT,
                    "ElastiCenter reports no iSCSI target name for volume " + volume.name() + " (" + volume.id() + ")",
                    "enable iSCSI on the volume or use file access"));
            return DataLocation.iscsi(address, port, iqn, lun);
        }
    }

    /** A path template; {@code {id}}, {@code {name}} and {@code {iqn}} are replaced by the volume's. */
    static VolumeAccess files(String template) {
        if (!template.contains("{id}") && !template.contains("{name}") && !template.contains("{iqn}")) {
            throw new TransferException(TransferException.Kind.BAD_INPUT, "volume path template '" + template
                    + "' names no volume", "put {id}, {name} or {iqn} in it, e.g. /var/tmp/ec-sim/volumes/{id}.img");
        }
        return volume -> DataLocation.path(Path.of(template.replace("{id}", volume.id()).replace("{name}", volume.name())
                .replace("{iqn}", volume.iqn().orElse(""))));
    }

    /**
     * Parses an access setting: {@code iscsi} (port 3260, LUN 0), {@code iscsi:PORT:LUN}, or {@code file:TEMPLATE}.
     */
    static VolumeAccess parse(String spec) {
        String s = spec == null ? "" : spec.trim();
        if (s.equals("iscsi")) {
            return iscsi(3260, 0);
        }
        if (s.startsWith("iscsi:")) {
            String[] parts = s.split(":");
            try {
                return iscsi(Integer.parseInt(parts[1]), parts.length > 2 ? Integer.parseInt(parts[2]) : 0);
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new TransferException(TransferException.Kind.BAD_INPUT, "volume access '" + spec + "' is not"
                        + " iscsi:PORT[:LUN]", "e.g. iscsi:3260:0");
            }
        }
        if (s.startsWith("file:")) {
            return files(s.substring("file:".length()));
        }
        throw new TransferException(TransferException.Kind.BAD_INPUT, "volume access '" + spec + "' is not iscsi,"
                + " iscsi:PORT:LUN or file:TEMPLATE", "e.g. iscsi, or file:/dev/disk/by-path/ip-10.0.0.5:3260-iscsi-{iqn}-lun-0");
    }
}
