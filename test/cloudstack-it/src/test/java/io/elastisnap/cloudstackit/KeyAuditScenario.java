// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstackit;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;

/**
 * Runs last: counts the ElastiCenter key (as typed, URL-encoded, Base64) in every answer the suite received (job
 * results included), in the management server's logs ({@code elastisnap.cs.logs}: api.log, management-server.log)
 * and in a dump of the database ({@code elastisnap.cs.dbdump}). Every count must be zero.
 */
public class KeyAuditScenario {
    @Test
    public void theKeyIsNowhereAfterTheRun() throws IOException {
        Lab lab = Lab.require();
        KeyForms key = new KeyForms(lab.ecKey());
        Map<String, Integer> counts = new LinkedHashMap<>();
        List<String> answers = lab.api.answers();
        counts.put(answers.size() + " API answers", answers.stream().mapToInt(key::count).sum());
        for (Path log : lab.settings.logs) {
            String text = new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1);
            counts.put(log + " (" + text.split("\n", -1).length + " lines)", key.count(text));
        }
        if (lab.settings.dbDumpCommand != null) {
            String dump = Lab.shell(lab.settings.dbDumpCommand, "", Duration.ofMinutes(5));
            counts.put("database dump (" + dump.length() + " chars)", key.count(dump));
        }
        counts.forEach((where, count) -> System.out.println("key audit: " + count + " occurrence(s) in " + where));
        counts.forEach((where, count) -> assertEquals("ElastiCenter key occurrences in " + where, 0, (int) count));
    }
}
