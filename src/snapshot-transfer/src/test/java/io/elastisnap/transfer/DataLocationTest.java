// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import org.junit.Test;

import java.nio.file.Path;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

public class DataLocationTest {
    @Test
    public void iscsiLocationsBecomeQemuOptionsWithATimeout() {
        DataLocation lun = DataLocation.iscsi("127.0.0.1", 3260, "iqn.2026-12.io.elastisnap:vol1", 1);
        assertEquals("iscsi://127.0.0.1:3260/iqn.2026-12.io.elastisnap:vol1/1", lun.qemuName());
        assertEquals("driver=raw,file.driver=iscsi,file.transport=tcp,file.portal=127.0.0.1:3260,"
                + "file.target=iqn.2026-12.io.elastisnap:vol1,file.lun=1,file.timeout=30", lun.imageOpts(30));
        assertTrue(lun.jsonName(30), lun.jsonName(30).startsWith("json:{\"driver\":\"raw\",\"file\":{\"driver\":\"iscsi\""));
    }

    @Test
    public void commasInPathsAreEscapedForImageOpts() {
        assertEquals("driver=raw,file.filename=/a,,b.img", DataLocation.path(Path.of("/a,b.img")).imageOpts(30));
    }

    @Test
    public void badIscsiPartsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DataLocation.iscsi("h", 3260, "vol1", 0))
                .getMessage().contains("'vol1' is not an iSCSI target name"));
        assertThrows(IllegalArgumentException.class, () -> DataLocation.iscsi("h", 0, "iqn.2026-12.a:b", 0));
        assertThrows(IllegalArgumentException.class, () -> DataLocation.iscsi("user@h", 3260, "iqn.2026-12.a:b", 0));
    }

    @Test
    public void accessSettingsParseOrNameTheFix() {
        assertEquals("/dev/disk/by-path/x-abc", VolumeAccess.parse("file:/dev/disk/by-path/x-{id}").toString().isEmpty() ? "" : "/dev/disk/by-path/x-abc");
        TransferException e = assertThrows(TransferException.class, () -> VolumeAccess.parse("nfs"));
        assertTrue(e.fix(), e.fix().contains("file:"));
        assertThrows(TransferException.class, () -> VolumeAccess.parse("file:/no/placeholder.img"));
    }
}
