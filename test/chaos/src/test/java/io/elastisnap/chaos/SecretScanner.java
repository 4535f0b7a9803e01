// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Counts occurrences of every API key the suite used (raw and URL-encoded) in everything the product emits: all
 * log4j output at TRACE (a capture appender on the root logger), exception messages, stack traces, toString and Java
 * serializations, CLI stdout/stderr and log files. The suite asserts the count is zero and prints it.
 */
final class SecretScanner {
    private static final Set<String> FORMS = ConcurrentHashMap.newKeySet();
    private static final List<String> LEAK_SAMPLES = new ArrayList<>();
    private static final String APPENDER = "chaos-secret-scanner";

    private SecretScanner() {
    }

    /**
     * A fresh key shaped like CloudStack/ElastiCenter keys (base64 alphabet, so it has '+', '/' and '='), registered
     * for scanning.
     */
    static String newApiKey() {
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        String key = "ChaosKey+" + new java.math.BigInteger(1, random).toString(36) + "/Zz==";
        register(key);
        return key;
    }

    static void register(String key) {
        FORMS.add(key);
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8);
        FORMS.add(encoded);
        FORMS.add(encoded.replace("+", "%20"));
    }

    /** Counts key occurrences in {@code text} from {@code source} ("log", "exception", "cli-output", ...). */
    static int scan(String source, String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        ChaosReport.count("secrets.scanned." + source);
        ChaosReport.add("secrets.scannedChars", text.length());
        int found = occurrences(text);
        if (found > 0) {
            ChaosReport.add("secrets.leaks", found);
            ChaosReport.add("secrets.leaks." + source, found);
            synchronized (LEAK_SAMPLES) {
                if (LEAK_SAMPLES.size() < 20) {
                    LEAK_SAMPLES.add(source + ": " + mask(text.length() > 400 ? text.substring(0, 400) : text));
                }
            }
        }
        return found;
    }

    /** Occurrences of any registered key form in {@code text}, without recording anything (for positive controls). */
    static int occurrences(String text) {
        int found = 0;
        for (String form : FORMS) {
            for (int i = text.indexOf(form); i >= 0; i = text.indexOf(form, i + 1)) {
                found++;
            }
        }
        return found;
    }

    /** Message, toString, full stack trace (causes and suppressed) and the Java serialization of {@code error}. */
    static int scan(String source, Throwable error) {
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        int found = scan(source, error.toString() + "\n" + trace);
        if (error instanceof Serializable) {
            found += scan(source + "-serialized", serialized(error));
        }
        return found;
    }

    /** A serialized object as text: the key would show as its UTF-8 bytes, read here one byte per char. */
    static String serialized(Object object) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        } catch (IOException e) {
            return "(not serializable: " + e + ")";
        }
        return new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    static long leaks() {
        return ChaosReport.get("secrets.leaks");
    }

    static List<String> leakSamples() {
        synchronized (LEAK_SAMPLES) {
            return new ArrayList<>(LEAK_SAMPLES);
        }
    }

    private static String mask(String text) {
        String masked = text;
        for (String form : FORMS) {
            masked = masked.replace(form, "<<API KEY>>");
        }
        return masked;
    }

    /**
     * Attaches the capture appender to the root logger at TRACE (idempotent; again after anything reconfigured
     * log4j, such as an in-process CLI run).
     */
    static synchronized void installLogCapture() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        if (config.getRootLogger().getAppenders().containsKey(APPENDER)) {
            return;
        }
        PatternLayout layout = PatternLayout.newBuilder().withConfiguration(config)
                .withPattern("%d %p [%t] %c: %m %ex%n").build();
        AbstractAppender capture = new AbstractAppender(APPENDER, null, layout, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                ChaosReport.count("secrets.logEvents");
                scan("log", layout.toSerializable(event));
            }
        };
        capture.start();
        config.addAppender(capture);
        config.getRootLogger().addAppender(capture, Level.ALL, null);
        config.getRootLogger().setLevel(Level.ALL);
        context.updateLoggers();
    }
}
