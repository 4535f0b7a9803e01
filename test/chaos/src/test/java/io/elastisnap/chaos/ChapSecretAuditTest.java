// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.IscsiAuthGroup;
import io.elastisnap.elasticenter.IscsiAuthUser;
import io.elastisnap.elasticenter.IscsiService;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.Fault;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.Test;

/**
 * The key-leak audit extended to the CHAP secret: it is registered with {@link SecretScanner} (so every log event of the
 * rest of the suite is searched for it too), then the CHAP commands run with their successes and failures (the
 * client's SecretLeakTest adds an appliance that echoes the secret). Occurrences count into the suite's leak total.
 */
public class ChapSecretAuditTest {
    @Test
    public void theChapSecretAppearsInNoLogExceptionOrToString() {
        SecretScanner.installLogCapture();
        String key = SecretScanner.newApiKey();
        String chap = "ChapAudit+" + Long.toString(System.nanoTime(), 36) + "/Zz";
        SecretScanner.register(chap);
        long leaksBefore = SecretScanner.leaks();
        int found = 0;
        try (ElastiCenterSimulator sim = ElastiCenterSimulator.builder().apiKey(key).start();
             ElastiCenterClient client = new ElastiCenterClient(ElastiCenterConfig.builder(sim.baseUrl(), Secret.of(key))
                     .trust(TlsTrust.pinnedSha256(sim.certificateSha256())).readTimeout(Duration.ofMillis(800))
                     .readRetries(0).build())) {
            String account = sim.defaults().accountId();
            IscsiAuthGroup group = client.addIscsiAuthGroup(account, "audit", "audituser", Secret.of(chap));
            IscsiAuthUser user = client.listIscsiAuthUsers(account, group.id()).get(0);
            assertEquals("positive control: the appliance answered the secret", chap, user.chapSecret().reveal());
            String volume = sim.provisionVolume("chap-audit", 1L << 30).id();
            IscsiService service = client.listVolumeIscsiServices(volume).get(0);
            String all = client.listIscsiInitiators(account).get(0).id();
            found += SecretScanner.scan("toString", group + " " + user + " " + client.updateVolumeIscsiService(service.id(),
                    all, group.id()));

            found += failure(() -> client.addIscsiAuthGroup(account, "audit", "audituser", Secret.of(chap)));
            sim.faults().inject("addiSCSIAuthGroup", Fault.error(530, "Failed to add iSCSI auth group"));
            found += failure(() -> client.addIscsiAuthGroup(account, "audit2", "audituser", Secret.of(chap)));
            sim.faults().inject("addiSCSIAuthGroup", Fault.connectionReset());
            found += failure(() -> client.addIscsiAuthGroup(account, "audit3", "audituser", Secret.of(chap)));
            sim.faults().inject("addiSCSIAuthGroup", Fault.hang());
            found += failure(() -> client.addIscsiAuthGroup(account, "audit4", "audituser", Secret.of(chap)));
            sim.faults().clear();
            sim.faults().inject("listiSCSIAuthUser", Fault.truncatedJson().times(1));
            found += failure(() -> client.listIscsiAuthUsers(account, group.id()));
            sim.faults().inject("listiSCSIAuthUser", Fault.malformedJson().times(1));
            found += failure(() -> client.listIscsiAuthUsers(account, group.id()));
            found += failure(() -> {
                client.deleteIscsiAuthGroup(account, group.id()); // refused: the volume authenticates with it
                return null;
            });
            found += SecretScanner.scan("toString", sim.requestLog().entries().toString());

            // the transfer clone's login: its value types, and a qemu-img login that fails (nothing listens there)
            io.elastisnap.transfer.ChapLogin login = new io.elastisnap.transfer.ChapLogin("audituser", Secret.of(chap));
            io.elastisnap.transfer.DataLocation lun = io.elastisnap.transfer.DataLocation.iscsi("127.0.0.1", 1,
                    "iqn.2026-12.io.elastisnap:audit", 0, login);
            found += SecretScanner.scan("toString", login + " " + lun + " " + lun.chap().orElseThrow());
            found += failure(() -> io.elastisnap.transfer.QemuImg.standard().infoRaw(lun));
        }
        ChaosReport.count("secrets.chapAuditRuns");
        long leaked = SecretScanner.leaks() - leaksBefore;
        System.out.println("CHAP secret audit: " + leaked + " occurrence(s) in logs, exceptions and toString");
        assertEquals("the CHAP secret leaked: " + SecretScanner.leakSamples(), 0, leaked + found);
        assertTrue("the audit saw log events", ChaosReport.get("secrets.logEvents") > 0);
    }

    private static int failure(Supplier<?> call) {
        try {
            call.get();
        } catch (RuntimeException e) {
            return SecretScanner.scan("exception", e);
        }
        throw new AssertionError("the call was expected to fail");
    }
}
