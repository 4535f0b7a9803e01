// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.driver;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.apache.cloudstack.engine.subsystem.api.storage.ChapInfo;
import org.apache.cloudstack.storage.command.AttachCommand;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.Test;

import com.cloud.agent.api.to.DiskTO;
import com.cloud.agent.transport.Request;
import com.cloud.serializer.GsonHelper;
import com.cloud.storage.Volume;

import io.elastisnap.cloudstack.array.ChapCredentials;
import io.elastisnap.elasticenter.Secret;

/**
 * Runs only in the cloudstack-jars profile, against CloudStack 4.22's own classes: what CloudStack does with the CHAP
 * secret getChapInfo answers. VolumeApiServiceImpl puts it into the AttachCommand's DiskTO details, and the real
 * Request.toString (CloudStack's DEBUG command log on both sides) prints it; the log4j2 pattern the plugin README
 * gives masks it.
 */
public class RealCommandLogChapTest {
    private static final String SECRET = "ChapSecret4Log1";
    /** The plugin README's pattern, as a log4j2 layout would use it. */
    static final String MASKING_PATTERN = "%replace{%m}{\"chapInitiatorSecret\":\\s*\"[^\"]*\"}{\"chapInitiatorSecret\":\"****\"}";

    @Test
    public void cloudStacksCommandLogPrintsTheSecretOfAnAttachAndTheDocumentedPatternMasksIt() {
        ChapInfo chap = new ElastiStorChapInfo(new ChapCredentials("group", "esnapuser", Secret.of(SECRET)));
        Map<String, String> details = new HashMap<>(); // as VolumeApiServiceImpl.sendAttachVolumeCommand fills it
        details.put(DiskTO.CHAP_INITIATOR_USERNAME, chap.getInitiatorUsername());
        details.put(DiskTO.CHAP_INITIATOR_SECRET, chap.getInitiatorSecret());
        DiskTO disk = new DiskTO(null, 1L, "/iqn.2026-12.ACC.TSM1:ACCvol/0", Volume.Type.DATADISK);
        disk.setDetails(details);

        // the exclusion strategy behind Request.toString asks GsonHelper's logger which levels are on (DEBUG: the log)
        String gsonLogger = GsonHelper.class.getName();
        Level previous = LogManager.getLogger(gsonLogger).getLevel();
        Configurator.setLevel(gsonLogger, Level.DEBUG);
        String commandLog;
        try {
            commandLog = new Request(7L, 1L, new AttachCommand(disk, "i-2-10-VM"), true).toString();
        } finally {
            Configurator.setLevel(gsonLogger, previous);
        }
        assertNotNull("Request logs nothing unless GsonHelper's logger enables DEBUG", commandLog);

        assertTrue("CloudStack 4.22 prints DiskTO details in its DEBUG command log: " + commandLog, commandLog.contains(SECRET));
        LogEvent event = Log4jLogEvent.newBuilder().setMessage(new SimpleMessage(commandLog)).build();
        String masked = PatternLayout.newBuilder().withPattern(MASKING_PATTERN).build().toSerializable(event);
        assertFalse(masked, masked.contains(SECRET));
        assertTrue(masked, masked.contains("\"chapInitiatorSecret\":\"****\"") && masked.contains("esnapuser"));
    }
}
