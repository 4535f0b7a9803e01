// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.integration;

import java.nio.file.Path;

import io.elastisnap.cloudstack.command.IscsiLun;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.transfer.DataLocation;

/**
 * The same lifecycle and failures with every LUN read and written over real iSCSI: the simulator exports its volumes and
 * clones through a private user-space tgtd, and the host's qemu-img opens them with QEMU's built-in initiator, as on a
 * KVM host. The one translation left, said plainly: the plugin addresses the clone as an appliance presents it (the
 * TSM's address, port 3260, LUN 0); tgt serves it on 127.0.0.1 at the simulator's port as LUN 1 (tgt keeps LUN 0 for its
 * controller).
 */
public class BackupOverIscsiLifecycleTest extends BackupToSecondaryLifecycleTest {
    @Override
    protected ElastiCenterSimulator.Builder array(Path dataDirectory) {
        return super.array(dataDirectory).iscsiTarget(0);
    }

    @Override
    protected DataLocation lunLocation(IscsiLun lun) {
        String[] portal = ec.iscsiPortal().orElseThrow(() -> new IllegalStateException("the simulator runs no iSCSI target")).split(":");
        return DataLocation.iscsi(portal[0], Integer.parseInt(portal[1]), lun.getIqn(), ElastiCenterSimulator.ISCSI_LUN);
    }
}
