// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.appender.OutputStreamAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Log configuration of a CLI run: nothing on stderr but with --debug (everything from DEBUG), because the command
 * reports each problem itself as one error line; INFO (DEBUG with --debug) into --log-file. The libraries never log
 * the API key.
 */
public final class LoggingSetup {
    private static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %c{1}: %msg%n";

    private LoggingSetup() {
    }

    public static void configure(PrintStream err, boolean debug, Path logFile) {
        LoggerContext context = (LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
        Configuration config = new DefaultConfiguration();
        PatternLayout layout = PatternLayout.newBuilder().withPattern(PATTERN).withConfiguration(config).build();
        LoggerConfig root = config.getRootLogger();
        root.getAppenders().keySet().forEach(root::removeAppender);
        Level level = Level.OFF;
        if (debug) {
            Appender console = OutputStreamAppender.newBuilder().setName("stderr").setTarget(err).setLayout(layout)
                    .setFollow(false).build();
            console.start();
            config.addAppender(console);
            root.addAppender(console, Level.DEBUG, null);
            level = Level.DEBUG;
        }
        if (logFile != null) {
            Appender file = FileAppender.newBuilder().setName("file").withFileName(logFile.toString()).withAppend(true)
                    .setLayout(layout).setConfiguration(config).build();
            file.start();
            config.addAppender(file);
            root.addAppender(file, debug ? Level.DEBUG : Level.INFO, null);
            level = debug ? Level.DEBUG : Level.INFO;
        }
        root.setLevel(level);
        context.reconfigure(config);
    }
}
