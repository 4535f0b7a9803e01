// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Captures every log event of the JVM (root logger) at a given level while open: logger, level, formatted message
 * and the full stack trace of any attached throwable, so tests can search all of it.
 */
final class LogCapture implements AutoCloseable {
    private static final AtomicInteger IDS = new AtomicInteger();

    private final List<String> lines = new ArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final LoggerConfig root = context.getConfiguration().getRootLogger();
    private final Level previousLevel = root.getLevel();
    private final AbstractAppender appender;

    private LogCapture(Level level) {
        this.appender = new AbstractAppender("capture-" + IDS.incrementAndGet(), null, null, true,
                Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder line = new StringBuilder().append(event.getLevel()).append(' ')
                        .append(event.getLoggerName()).append(" - ").append(event.getMessage().getFormattedMessage());
                if (event.getThrown() != null) {
                    StringWriter trace = new StringWriter();
                    event.getThrown().printStackTrace(new PrintWriter(trace));
                    line.append('\n').append(trace);
                }
                synchronized (lines) {
                    lines.add(line.toString());
                }
            }
        };
        appender.start();
        Configuration configuration = context.getConfiguration();
        configuration.addAppender(appender);
        root.addAppender(appender, level, null);
        root.setLevel(level);
        context.updateLoggers();
    }

    static LogCapture at(Level level) {
        return new LogCapture(level);
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    @Override
    public void close() {
        root.removeAppender(appender.getName());
        root.setLevel(previousLevel);
        context.getConfiguration().getAppenders().remove(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}
