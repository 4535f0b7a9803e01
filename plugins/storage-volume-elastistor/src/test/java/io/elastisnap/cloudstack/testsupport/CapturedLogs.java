// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Every log event of the JVM at TRACE and above while open (level, logger, message, throwable chain text). */
public final class CapturedLogs implements AutoCloseable {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final Level rootLevel = context.getConfiguration().getRootLogger().getLevel();
    private final AbstractAppender appender = new AbstractAppender("plugin-test-capture-" + System.nanoTime(), null, null,
            true, Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent event) {
            StringBuilder text = new StringBuilder(event.getLevel() + " " + event.getLoggerName() + " "
                    + event.getMessage().getFormattedMessage());
            for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                text.append(" | ").append(t);
            }
            events.add(text.toString());
        }
    };

    public CapturedLogs() {
        appender.start();
        context.getConfiguration().getRootLogger().addAppender(appender, Level.TRACE, null);
        context.getConfiguration().getRootLogger().setLevel(Level.TRACE);
        context.updateLoggers();
    }

    public List<String> all() {
        return List.copyOf(events);
    }

    public List<String> at(Level level, String containing) {
        return events.stream().filter(e -> e.startsWith(level + " ") && e.contains(containing)).collect(Collectors.toList());
    }

    @Override
    public void close() {
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        context.getConfiguration().getRootLogger().setLevel(rootLevel);
        context.updateLoggers();
        appender.stop();
    }
}
