// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.backup;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Random;

import org.apache.cloudstack.storage.command.CopyCmdAnswer;
import org.apache.cloudstack.storage.command.CopyCommand;
import org.apache.cloudstack.storage.command.QuerySnapshotZoneCopyAnswer;
import org.apache.cloudstack.storage.command.QuerySnapshotZoneCopyCommand;
import org.apache.cloudstack.storage.resource.NfsSecondaryStorageResource;
import org.apache.cloudstack.storage.to.SnapshotObjectTO;
import org.apache.cloudstack.storage.to.TemplateObjectTO;
import org.apache.cloudstack.storage.to.VolumeObjectTO;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import com.cloud.agent.api.Answer;
import com.cloud.agent.api.to.NfsTO;
import com.cloud.agent.transport.Request;
import com.cloud.hypervisor.Hypervisor.HypervisorType;
import com.cloud.hypervisor.kvm.resource.LibvirtComputingResource;
import com.cloud.hypervisor.kvm.resource.wrapper.LibvirtRequestWrapper;
import com.cloud.hypervisor.kvm.storage.KVMStoragePool;
import com.cloud.hypervisor.kvm.storage.KVMStoragePoolManager;
import com.cloud.storage.DataStoreRole;
import com.cloud.storage.JavaStorageLayer;
import com.cloud.storage.Storage.ImageFormat;

import io.elastisnap.cloudstack.agent.SnapshotBackupRunner;
import io.elastisnap.cloudstack.agent.SnapshotBackupRuntime;
import io.elastisnap.cloudstack.command.BackupSnapshotToSecondaryCommand;
import io.elastisnap.cloudstack.command.IscsiLun;
import io.elastisnap.cloudstack.command.SnapshotBackupAnswer;
import io.elastisnap.cloudstack.command.SnapshotBackupCommand;
import io.elastisnap.transfer.DataLocation;
import io.elastisnap.transfer.QemuImg;
import io.elastisnap.transfer.Sha256;

/**
 * Runs only in the cloudstack-jars profile. What a BackedUp snapshot is used for after our backup, done by CloudStack
 * 4.22's own code on our file: the backup is written by the real agent dispatch (core's Request, the real
 * LibvirtRequestWrapper, our wrapper), then CloudStack's secondary-storage resource ({@code NfsSecondaryStorageResource},
 * the code the SSVM runs) makes a template from it ({@code CopyCommand} snapshot to template, as
 * {@code createTemplateFromSnapshot} sends for KVM) and answers the file list a copy to another zone downloads
 * ({@code QuerySnapshotZoneCopyCommand}). Stand-ins: a directory for the NFS mount (the resource outside a system VM
 * uses its parent directory as the mount; the agent side's pool manager is a mock that returns the directory), and
 * an image file for the array clone's LUN.
 */
public class BackupUsedByCloudStackTest {
    private static final String NFS_URL = "nfs://10.0.0.5/export/secondary";
    private static final long ACCOUNT = 2;
    private static final long VOLUME = 11;
    private static final String SNAPSHOT_UUID = "9d2c3a55-0b4e-4f7e-8c1a-5e8d2f6a7b01";
    private static final long VIRTUAL_SIZE = 64L << 20;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private Path secondary;
    private Path lunImage;
    private LibvirtComputingResource agent;

    /** CloudStack's SSVM resource, outside a system VM: its "mount" of every store is {@code _parent}. */
    static final class SecondaryStorageVmResource extends NfsSecondaryStorageResource {
        SecondaryStorageVmResource(Path mount) {
            _parent = mount.toString();
            _storage = new JavaStorageLayer();
        }
    }

    @Before
    public void setUp() throws Exception {
        secondary = temp.newFolder("secondary-nfs-mount").toPath();
        lunImage = temp.newFile("clone-lun.img").toPath();
        try (RandomAccessFile f = new RandomAccessFile(lunImage.toFile(), "rw")) {
            f.setLength(VIRTUAL_SIZE);
            byte[] data = new byte[4 << 20];
            new Random(7).nextBytes(data);
            f.seek(8L << 20);
            f.write(data);
        }
        SnapshotBackupRuntime.install(new SnapshotBackupRunner(QemuImg.standard(), lun -> DataLocation.path(lunImage)));
        KVMStoragePool mounted = mock(KVMStoragePool.class);
        when(mounted.getLocalPath()).thenReturn(secondary.toString());
        KVMStoragePoolManager pools = mock(KVMStoragePoolManager.class);
        when(pools.getStoragePoolByURI(NFS_URL)).thenReturn(mounted);
        agent = mock(LibvirtComputingResource.class);
        when(agent.getStoragePoolMgr()).thenReturn(pools);
    }

    /** The backup as the plugin makes it: management server -> agent wire format -> the real dispatch -> our wrapper. */
    private SnapshotBackupAnswer backUp(String installPath) throws Exception {
        BackupSnapshotToSecondaryCommand command = new BackupSnapshotToSecondaryCommand(new IscsiLun("10.0.0.9", IscsiLun.DEFAULT_PORT,
                "iqn.2026-12.io.elastisnap:bk" + SNAPSHOT_UUID.replace("-", ""), 0), NFS_URL, installPath, false, 600);
        Request received = Request.parse(new Request(7, 1, command, true).getBytes());
        Answer answer = LibvirtRequestWrapper.getInstance().execute(received.getCommand(), agent);
        assertEquals(SnapshotBackupAnswer.class, answer.getClass());
        assertTrue(answer.getDetails(), answer.getResult());
        return (SnapshotBackupAnswer) answer;
    }

    /** The snapshot as CloudStack's data motion sends it for a snapshot_store_ref row of ours: install path, KVM, QCOW2. */
    private static SnapshotObjectTO snapshotOnSecondary(String installPath) {
        SnapshotObjectTO snapshot = new SnapshotObjectTO();
        snapshot.setPath(installPath);
        snapshot.setHypervisorType(HypervisorType.KVM);
        snapshot.setDataStore(new NfsTO(NFS_URL, DataStoreRole.Image));
        VolumeObjectTO volume = new VolumeObjectTO();
        volume.setFormat(ImageFormat.QCOW2);
        snapshot.setVolume(volume);
        return snapshot;
    }

    @Test
    public void cloudStacksOwnSecondaryStorageCodeMakesATemplateOfTheBackupWithTheSnapshotsData() throws Exception {
        String installPath = SnapshotBackupCommand.installPath(ACCOUNT, VOLUME, SNAPSHOT_UUID);
        SnapshotBackupAnswer backup = backUp(installPath);
        assertEquals("snapshots/2/11/" + SNAPSHOT_UUID, installPath);

        TemplateObjectTO template = new TemplateObjectTO();
        template.setPath("template/tmpl/2/201");
        template.setName("201-2-template-from-backup");
        template.setDataStore(new NfsTO(NFS_URL, DataStoreRole.Image));
        Answer answer = new SecondaryStorageVmResource(secondary).executeRequest(
                new CopyCommand(snapshotOnSecondary(installPath), template, 600_000, true));

        assertTrue(answer.getDetails(), answer.getResult());
        TemplateObjectTO made = (TemplateObjectTO) ((CopyCmdAnswer) answer).getNewData();
        assertEquals("template/tmpl/2/201/" + SNAPSHOT_UUID + ".qcow2", made.getPath());
        assertEquals(ImageFormat.QCOW2, made.getFormat());
        assertEquals("the virtual size CloudStack reads from our qcow2 header", VIRTUAL_SIZE, (long) made.getSize());
        Path templateFile = secondary.resolve(made.getPath());
        assertEquals(Files.size(templateFile), (long) made.getPhysicalSize());
        assertEquals("the template is the backup, byte for byte", backup.getSha256(), Sha256.of(templateFile));
        assertEquals("and holds the snapshot's data", 0, run("qemu-img", "compare", "-f", "raw", "-F", "qcow2", lunImage.toString(),
                templateFile.toString()));
        String properties = new String(Files.readAllBytes(templateFile.resolveSibling("template.properties")), StandardCharsets.UTF_8);
        assertTrue(properties, properties.contains("qcow2.virtualsize=" + VIRTUAL_SIZE));
    }

    @Test
    public void aCopyToAnotherZoneDownloadsExactlyTheOneSelfContainedBackupFile() throws Exception {
        String installPath = SnapshotBackupCommand.installPath(ACCOUNT, VOLUME, SNAPSHOT_UUID);
        backUp(installPath);

        Answer answer = new SecondaryStorageVmResource(secondary).executeRequest(
                new QuerySnapshotZoneCopyCommand(snapshotOnSecondary(installPath)));

        assertTrue(answer.getDetails(), answer.getResult());
        assertEquals(Collections.singletonList(installPath), ((QuerySnapshotZoneCopyAnswer) answer).getFiles());
        assertEquals("no backing file: the file alone is the whole snapshot in the other zone", 0, run("sh", "-c",
                "qemu-img info " + secondary.resolve(installPath) + " | grep -q 'backing file' && exit 1 || exit 0"));
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
