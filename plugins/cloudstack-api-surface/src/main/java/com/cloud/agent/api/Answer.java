// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.agent.api;

public class Answer extends Command {
    protected boolean result;
    protected String details;

    protected Answer() {
        this(null);
    }

    public Answer(Command command) {
        this(command, true, null);
    }

    public Answer(Command command, boolean success, String details) {
        this.result = success;
        this.details = details;
    }

    public Answer(Command command, Exception e) {
        this(command, false, String.valueOf(e));
    }

    public boolean getResult() {
        return result;
    }

    public String getDetails() {
        return details;
    }

    @Override
    public boolean executeInSequence() {
        return false;
    }
}
