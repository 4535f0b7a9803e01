// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.FileSystem;
import org.apache.logging.log4j.LogManager;

import java.nio.file.Path;

/**
 * How this host reaches an array volume's data (a snapshot's temporary clone, or a volume to restore into).
 *
 * <ul>
 *   <li>{@link #iscsi(int, int)}: the volume's iSCSI target at the address ElastiCenter reports for it, read with
 *       qemu-img's own initiator; needs nothing on the host but qemu-img with its iSCSI driver. With
 *       {@link #withChap} the volume is put behind a CHAP auth group when it is opened and read with its login; without,
 *       every opening warns that any initiator on the storage network can log in.</li>
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

    /** Whether volumes are read over iSCSI (their targets opened to initiators), where CHAP applies. */
    default boolean overIscsi() {
        return false;
    }

    /**
     * Makes a volume this process created (a temporary clone, a new volume to restore into) reachable this way and
     * returns it as the array then describes it; over iSCSI: its target opened to the account's {@value
     * #CLONE_INITIATOR_GROUP} group, behind the CHAP auth group when there is one. Nothing to do for file access.
     */
    default FileSystem open(ElastiCenterClient client, FileSystem volume) {
        return volume;
    }

    /** The same access, logging in to iSCSI targets with {@code login} after putting them behind {@code authGroupId}. */
    default VolumeAccess withChap(String authGroupId, ChapLogin login) {
        return this;
    }

    /** iSCSI portal {@code <volume's ipaddress>:port}, target = the volume's iqn, this LUN (ElastiStor: 0); no CHAP. */
    static VolumeAccess iscsi(int port, int lun) {
        return new IscsiVolumeAccess(port, lun, null, null);
    }

    /** {@link #iscsi(int, int)}. */
    final class IscsiVolumeAccess implements VolumeAccess {
        private final int port;
        private final int lun;
        private final String authGroupId;
        private final ChapLogin login;

        private IscsiVolumeAccess(int port, int lun, String authGroupId, ChapLogin login) {
            this.port = port;
            this.lun = lun;
            this.authGroupId = authGroupId;
            this.login = login;
        }

        @Override
        public boolean overIscsi() {
            return true;
        }

        @Override
        public VolumeAccess withChap(String authGroupId, ChapLogin login) {
            if (authGroupId == null || authGroupId.isBlank()) {
                throw new IllegalArgumentException("a CHAP login needs the auth group the volume is put behind");
            }
            return new IscsiVolumeAccess(port, lun, authGroupId, java.util.Objects.requireNonNull(login, "CHAP login"));
        }

        @Override
        public FileSystem open(ElastiCenterClient client, FileSystem volume) {
            if (authGroupId == null) {
                LogManager.getLogger(VolumeAccess.class).warn("exporting {} ({}) over iSCSI WITHOUT CHAP: any initiator that"
                        + " reaches the storage network can log in to it while it is read; set a CHAP auth group", volume.name(),
                        volume.id());
            }
            return IscsiExport.open(client, volume, CLONE_INITIATOR_GROUP, authGroupId);
        }

        @Override
        public DataLocation locate(FileSystem volume) {
            String address = volume.ipAddress().orElseThrow(() -> new TransferException(TransferException.Kind.BAD_INPUT,
                    "ElastiCenter reports no iSCSI address for volume " + volume.name() + " (" + volume.id() + ")",
                    "enable iSCSI on the volume or use file access"));
            String iqn = volume.iqn().orElseThrow(() -> new TransferException(TransferException.Kind.BAD_INPUT,
                    "ElastiCenter reports no iSCSI target name for volume " + volume.name() + " (" + volume.id() + ")",
                    "enable iSCSI on the volume or use file access"));
            return DataLocation.iscsi(address, port, iqn, lun, login);
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
