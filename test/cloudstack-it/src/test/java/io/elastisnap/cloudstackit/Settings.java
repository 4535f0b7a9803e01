// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstackit;

import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the suite is pointed at: a running management server with the plugin deployed and an ElastiCenter (the
 * simulator). Each setting is a system property ({@code -Delastisnap.cs.url=...}) or the environment variable named
 * in upper case with dots as underscores ({@code ELASTISNAP_CS_URL}). Without {@code elastisnap.cs.url} the suite
 * is skipped; with it, a wrong or missing setting fails it naming the setting.
 */
final class Settings {
    static final String URL = "elastisnap.cs.url";

    final String csUrl;
    final String csApiKey;
    final String csSecretKey;
    final String zone;
    final String ecUrl;
    final String ecApiKey;
    final String ecSha256;
    final String ecAccount;
    final String ecTsm;
    /** A shell command reading one SQL statement on stdin and printing tab-separated rows (e.g. mysql -uroot -N -B cloud). */
    final String dbCommand;
    /** A shell command printing the whole database (e.g. mysqldump -uroot --databases cloud cloud_usage), for the key audit. */
    final String dbDumpCommand;
    final List<Path> logs;
    /** A shell command restarting the management server; the suite waits until the API answers again. */
    final String restartCommand;
    /** A stopped VM (on a Simulator host) the suite attaches volumes to, with the pool's hypervisor switched in the DB. */
    final String attachVm;

    private Settings() {
        csUrl = value(URL, null);
        csApiKey = value("elastisnap.cs.apikey", null);
        csSecretKey = value("elastisnap.cs.secretkey", null);
        if ((csApiKey == null) != (csSecretKey == null)) {
            throw new IllegalStateException("give both elastisnap.cs.apikey and elastisnap.cs.secretkey (signed API), or neither"
                    + " (the integration port, global setting integration.api.port)");
        }
        zone = value("elastisnap.cs.zone", null);
        ecUrl = required("elastisnap.ec.url", "the ElastiCenter endpoint the pools use, https://host:port");
        String keyFile = required("elastisnap.ec.keyfile", "a file holding the ElastiCenter API key");
        try {
            ecApiKey = Files.readString(Paths.get(keyFile)).trim();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("elastisnap.ec.keyfile: cannot read " + keyFile + ": " + e.getMessage());
        }
        ecSha256 = required("elastisnap.ec.sha256", "the SHA-256 fingerprint of the ElastiCenter certificate");
        ecAccount = value("elastisnap.ec.account", "");
        ecTsm = value("elastisnap.ec.tsm", "");
        dbCommand = value("elastisnap.cs.db", null);
        dbDumpCommand = value("elastisnap.cs.dbdump", null);
        List<Path> files = new ArrayList<>();
        String logList = value("elastisnap.cs.logs", "");
        for (String log : logList.split(",")) {
            if (!log.isBlank()) {
                Path path = Paths.get(log.trim());
                if (!Files.isRegularFile(path)) {
                    throw new IllegalStateException("elastisnap.cs.logs: " + path + " is not a file");
                }
                files.add(path);
            }
        }
        logs = files;
        restartCommand = value("elastisnap.cs.restart", null);
        attachVm = value("elastisnap.cs.vm", null);
    }

    private static Settings instance;

    /** Skips the caller unless the suite is configured; fails on a configuration that is wrong. */
    static synchronized Settings require() {
        assumeTrue("CloudStack integration suite skipped: set -D" + URL + "=http://<management server>:8096/client/api"
                + " (see test/cloudstack-it/README.md)", value(URL, null) != null);
        if (instance == null) {
            instance = new Settings();
        }
        return instance;
    }

    static String value(String property, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(property.toUpperCase(Locale.ROOT).replace('.', '_'));
        }
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static String required(String property, String what) {
        String value = value(property, null);
        if (value == null) {
            throw new IllegalStateException("set " + property + " (" + what + "), or "
                    + property.toUpperCase(Locale.ROOT).replace('.', '_'));
        }
        return value;
    }
}
