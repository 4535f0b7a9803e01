// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import static org.junit.Assert.assertFalse;

import java.io.IOException;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.rules.TemporaryFolder;

/** A fresh {@link CliFixture} per test; after each test, proof that the API key reached no output and no log line. */
public abstract class CliTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    protected CliFixture f;

    @Before
    public void startFixture() throws IOException {
        f = new CliFixture(tmp.newFolder().toPath(), realStorage(), iscsiTarget());
    }

    /** Whether the simulator also exports its image files over real iSCSI (tgtd) and export/restore read them so. */
    protected boolean iscsiTarget() {
        return false;
    }

    /** Whether the simulator keeps volumes and snapshots as image files (export and restore read and write them). */
    protected boolean realStorage() {
        return false;
    }

    @After
    public void keyNeverShown() throws IOException {
        try {
            assertFalse("API key in CLI output", f.allOutput.toString().contains(CliFixture.API_KEY));
            assertFalse("API key in the log file", f.log().contains(CliFixture.API_KEY));
        } finally {
            f.close();
        }
    }
}
