// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.agent.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.apache.logging.log4j.Logger;

@Target({ElementType.TYPE, ElementType.FIELD})
@Retention(RetentionPolicy.RUNTIME)
public @interface LogLevel {
    public enum Log4jLevel {
        Off, Trace, Debug;

        public boolean enabled(Logger logger) {
            throw new UnsupportedOperationException();
        }
    }

    Log4jLevel value() default Log4jLevel.Debug;
}
