// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstackit;

import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.google.gson.JsonObject;

import io.elastisnap.elasticenter.DatasetSnapshot;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;

/**
 * The system under test, shared by all scenarios of one run: the management server's API, the ElastiCenter the pools
 * use (looked at directly, for what CloudStack cannot show), CloudStack's database (optional) and the zone and KVM
 * cluster the pools are registered in.
 */
final class Lab {
    private static Lab instance;

    final Settings settings;
    final CloudStackApi api;
    final ElastiCenterClient array;
    final String zoneId;
    final String podId;
    final String clusterId;
    final String account;
    final String tsm;

    private Lab(Settings settings) {
        this.settings = settings;
        this.api = new CloudStackApi(settings.csUrl, settings.csApiKey, settings.csSecretKey);
        List<JsonObject> zones = api.list("listZones", "zone");
        JsonObject zone = zones.stream().filter(z -> settings.zone == null || settings.zone.equals(z.get("name").getAsString())
                || settings.zone.equals(z.get("id").getAsString())).findFirst().orElseThrow(() -> new IllegalStateException(
                "the management server has no zone " + (settings.zone == null ? "" : "'" + settings.zone + "' (elastisnap.cs.zone)")));
        zoneId = zone.get("id").getAsString();
        JsonObject cluster = api.list("listClusters", "cluster", "zoneid", zoneId, "hypervisor", "KVM").stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("zone " + zone.get("name").getAsString() + " has no KVM cluster; add one"
                        + " (it needs no host): addCluster zoneid=... podid=... clustername=kvm1 hypervisor=KVM clustertype=CloudManaged"));
        clusterId = cluster.get("id").getAsString();
        podId = cluster.get("podid").getAsString();
        array = new ElastiCenterClient(ElastiCenterConfig.builder(URI.create(settings.ecUrl), Secret.of(settings.ecApiKey))
                .trust(TlsTrust.pinnedSha256(settings.ecSha256)).build());
        account = settings.ecAccount.isEmpty() ? array.listAccounts().get(0).name() : settings.ecAccount;
        tsm = settings.ecTsm.isEmpty() ? array.listTsms(null).get(0).name() : settings.ecTsm;
    }

    static synchronized Lab require() {
        Settings settings = Settings.require();
        if (instance == null) {
            instance = new Lab(settings);
        }
        return instance;
    }

    String ecKey() {
        return settings.ecApiKey;
    }

    /**
     * createStoragePool of an ElastiStor pool in the lab's KVM cluster, tagged with its name; {@code extra} adds or
     * overrides parameters, a value of "-" removes one.
     */
    JsonObject registerPool(String name, String... extra) {
        Map<String, String> params = new LinkedHashMap<>(Params.of("name", name, "provider", "ElastiStor", "managed", "true",
                "scope", "cluster", "zoneid", zoneId, "podid", podId, "clusterid", clusterId, "url", settings.ecUrl,
                "details[0].account", account, "details[0].tsm", tsm, "details[0].apisecretkey", settings.ecApiKey,
                "details[0].tls", "sha256:" + settings.ecSha256, "tags", name));
        Map<String, String> overrides = Params.of(extra);
        overrides.forEach((k, v) -> {
            if ("-".equals(v)) {
                params.remove(k);
            } else {
                params.put(k, v);
            }
        });
        return api.call("createStoragePool", params).getAsJsonObject("storagepool");
    }

    /** Maintenance first if the pool is up, as an operator must; a pool already gone is fine. */
    void deletePool(String poolId) {
        try {
            List<JsonObject> pools = api.list("listStoragePools", "storagepool", "id", poolId);
            if (pools.isEmpty()) {
                return;
            }
            if (!"Maintenance".equals(pools.get(0).get("state").getAsString())) {
                api.call("enableStorageMaintenance", "id", poolId);
            }
            api.call("deleteStoragePool", "id", poolId, "forced", "true");
        } catch (ApiError e) {
            throw new AssertionError("cleanup: cannot delete pool " + poolId + ": " + e.text, e);
        }
    }

    /**
     * A data volume on an ElastiStor pool, created by the plugin's driver on the array. No KVM host can run here, and
     * CloudStack 4.22 creates a volume on primary storage only for a VM (attach, start) or from a snapshot, so the
     * volume is attached once to the stopped Simulator VM {@code elastisnap.cs.vm} with the pool's hypervisor switched
     * to Simulator in the database for that call only, and detached again; everything after goes through the API.
     */
    JsonObject volumeOnPool(String poolId, String diskOfferingId, String name) {
        requireDatabase("the attach that puts a volume on the pool switches the pool's hypervisor for one call");
        assumeTrue("needs elastisnap.cs.vm (a stopped VM on a Simulator host to attach volumes to)", settings.attachVm != null);
        JsonObject vm = api.list("listVirtualMachines", "virtualmachine", "id", settings.attachVm, "listall", "true").stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("elastisnap.cs.vm: no VM " + settings.attachVm));
        // owned as the VM is: CloudStack attaches volumes of the VM's account only
        String volumeId = api.call("createVolume", "name", name, "diskofferingid", diskOfferingId, "zoneid", zoneId,
                "account", vm.get("account").getAsString(), "domainid", vm.get("domainid").getAsString())
                .getAsJsonObject("volume").get("id").getAsString();
        attachToTheStoppedVm(poolId, volumeId);
        api.call("detachVolume", "id", volumeId);
        return volume(volumeId);
    }

    /** Attaches a volume of the pool to {@code elastisnap.cs.vm}, the pool's hypervisor switched for that call only. */
    void attachToTheStoppedVm(String poolId, String volumeId) {
        sql("UPDATE storage_pool SET hypervisor = 'Simulator' WHERE uuid = '" + poolId + "'");
        try {
            api.call("attachVolume", "id", volumeId, "virtualmachineid", settings.attachVm);
        } finally {
            sql("UPDATE storage_pool SET hypervisor = 'KVM' WHERE uuid = '" + poolId + "'");
        }
    }

    JsonObject volume(String volumeId) {
        return api.list("listVolumes", "volume", "id", volumeId, "listall", "true").get(0);
    }

    /** The ElastiStor volume id of a CloudStack volume on our pool (its folder, which the API does not show). */
    String esVolumeId(String volumeId) {
        return sql("SELECT folder FROM volumes WHERE uuid = '" + volumeId + "'").get(0)[0];
    }

    void setConfiguration(String name, String value) {
        api.call("updateConfiguration", "name", name, "value", value);
    }

    /** The array snapshots of an ElastiStor volume. */
    List<String> arraySnapshotNames(String esVolumeId) {
        return array.listStorageSnapshots(esVolumeId).stream().map(DatasetSnapshot::name).collect(Collectors.toList());
    }

    boolean hasDatabase() {
        return settings.dbCommand != null;
    }

    void requireDatabase(String why) {
        assumeTrue("needs elastisnap.cs.db (" + why + ")", hasDatabase());
    }

    /** Rows of one SQL statement, tab-separated columns, through the configured database command. */
    List<String[]> sql(String statement) {
        if (settings.dbCommand == null) {
            throw new IllegalStateException("no elastisnap.cs.db configured");
        }
        String out = shell(settings.dbCommand, statement, Duration.ofSeconds(60));
        List<String[]> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isEmpty()) {
                rows.add(line.split("\t", -1));
            }
        }
        return rows;
    }

    /** Restarts the management server with the configured command and waits for its API. */
    void restartManagementServer() {
        assumeTrue("needs elastisnap.cs.restart (a command restarting the management server)", settings.restartCommand != null);
        shell(settings.restartCommand, "", Duration.ofMinutes(10));
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (true) {
            try {
                api.call("listZones");
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > end) {
                    fail("the management server did not answer within 10 min of its restart: " + e.getMessage());
                }
                CloudStackApi.sleep(3000);
            }
        }
    }

    static String shell(String command, String stdin, Duration timeout) {
        try {
            Process process = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            // read before waiting: a large output (a database dump) fills the pipe and the command blocks on it
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("`" + command + "` did not finish within " + timeout);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("`" + command + "` exited " + process.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run `" + command + "`: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
