// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class MountTableTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void tellsMountPointsFromPlainDirectories() throws Exception {
        assertTrue(MountTable.isMountPoint(Path.of("/")));
        assertTrue(MountTable.isMountPoint(Path.of("/proc")));
        assertFalse(MountTable.isMountPoint(tmp.newFolder("plain dir").toPath()));
    }
}
