// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.driver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static io.elastisnap.cloudstack.testsupport.StorageMocks.store;
import static io.elastisnap.cloudstack.testsupport.StorageMocks.volumeInfo;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.cloudstack.engine.subsystem.api.storage.ChapInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.CreateCmdResult;
import org.apache.cloudstack.engine.subsystem.api.storage.DataStore;
import org.apache.cloudstack.engine.subsystem.api.storage.VolumeInfo;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import com.cloud.host.Host;
import com.cloud.vm.VirtualMachine;

import io.elastisnap.cloudstack.testsupport.Entities;
import io.elastisnap.cloudstack.testsupport.FakeDb;
import io.elastisnap.cloudstack.testsupport.RecordingCallback;
import io.elastisnap.cloudstack.testsupport.SimulatedPools;
import io.elastisnap.cloudstack.testsupport.Wiring;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.IscsiLogin;

/**
 * The driver's CHAP end to end over real iSCSI: the simulator's tgtd enforces what the driver set through the API, and
 * qemu-img's libiscsi initiator stands in for the KVM host's iscsiadm, logging in with what getChapInfo answers
 * (CloudStack hands exactly those two strings to the host). Needs root and the packages tgt and qemu-block-extra.
 */
public class ChapLoginOnIscsiTargetTest {
    private static final long POOL = 1L;
    private static final long VM = 21L;
    private static final String MARKER = "guest-disk!";
    private static final String AUTH_FAILURE = "Authentication failure";
    private static final String NOT_EXPORTED = "Failed to connect to LUN";

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private FakeDb db;
    private SimulatedPools pools;
    private ElastiCenterSimulator sim;
    private ElastiStorPrimaryDataStoreDriver driver;

    @Before
    public void setUp() throws IOException {
        db = new FakeDb();
        pools = new SimulatedPools(db);
        sim = pools.addWithIscsiTarget(POOL, temp.newFolder("array").toPath());
        driver = Wiring.inject(new ElastiStorPrimaryDataStoreDriver(), pools.arrays, pools.locks, db.volumeDao, db.volumeDetails,
                db.snapshotDetails, db.poolDao, db.poolDetails, db.vmDao);
    }

    @After
    public void tearDown() {
        pools.close();
    }

    @Test
    public void theHostLogsInWithGetChapInfosSecretAndNothingElseGetsIn() throws Exception {
        Entities.Vm vm = db.vm(VM, VirtualMachine.State.Running, 31L);
        Entities.Vol volume = db.volume(11, null, VM);
        volume.size = 8L << 20;
        RecordingCallback<CreateCmdResult> created = new RecordingCallback<>();
        driver.createAsync(store(POOL), volumeInfo(volume, POOL), created);
        assertTrue(created.single().getResult(), created.single().isSuccess());
        try (RandomAccessFile image = new RandomAccessFile(sim.volume(volume.folder).orElseThrow().imagePath().toFile(), "rw")) {
            image.write(MARKER.getBytes(StandardCharsets.US_ASCII));
        }
        String iqn = volume.iscsiName.substring(1, volume.iscsiName.lastIndexOf('/'));
        ChapInfo chap = driver.getChapInfo(volumeInfo(volume, POOL));

        assertRefused(iqn, chap.getInitiatorUsername(), chap.getInitiatorSecret(), NOT_EXPORTED);   // created, not granted

        assertTrue(driver.grantAccess(volumeInfo(volume, POOL), mock(Host.class), store(POOL)));
        assertEquals(MARKER, read(iqn, chap.getInitiatorUsername(), chap.getInitiatorSecret()));
        assertRefused(iqn, null, null, AUTH_FAILURE);                                                   // no CHAP
        assertRefused(iqn, chap.getInitiatorUsername(), chap.getInitiatorSecret() + "x", AUTH_FAILURE); // wrong secret
        assertRefused(iqn, "intruder", chap.getInitiatorSecret(), AUTH_FAILURE);                        // wrong user

        vm.state = VirtualMachine.State.Stopped;
        driver.revokeAccess(volumeInfo(volume, POOL), mock(Host.class), store(POOL));
        assertRefused(iqn, chap.getInitiatorUsername(), chap.getInitiatorSecret(), NOT_EXPORTED);
    }

    private String read(String iqn, String user, String secret) throws Exception {
        Path out = temp.getRoot().toPath().resolve("read-" + System.nanoTime() + ".raw");
        IscsiLogin.Outcome login = IscsiLogin.copyLun(sim.iscsiPortal().orElseThrow(), iqn, ElastiCenterSimulator.ISCSI_LUN,
                user, secret, out);
        assertTrue(login.toString(), login.loggedIn());
        byte[] head = new byte[MARKER.length()];
        try (RandomAccessFile file = new RandomAccessFile(out.toFile(), "r")) {
            file.readFully(head);
        }
        Files.delete(out);
        return new String(head, StandardCharsets.US_ASCII);
    }

    private void assertRefused(String iqn, String user, String secret, String reason) throws Exception {
        Path out = temp.getRoot().toPath().resolve("refused-" + System.nanoTime() + ".raw");
        IscsiLogin.Outcome login = IscsiLogin.copyLun(sim.iscsiPortal().orElseThrow(), iqn, ElastiCenterSimulator.ISCSI_LUN,
                user, secret, out);
        assertFalse("logged in: " + login, login.loggedIn());
        assertTrue(login.toString(), login.output().contains(reason));
        assertFalse(Files.exists(out));
    }

}
