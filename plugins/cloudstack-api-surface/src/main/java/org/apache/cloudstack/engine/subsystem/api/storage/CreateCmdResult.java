// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

import com.cloud.agent.api.Answer;
import org.apache.cloudstack.storage.command.CommandResult;

public class CreateCmdResult extends CommandResult {
    private final String path;
    private Answer answer;

    public CreateCmdResult(String path, Answer answer) {
        this.path = path;
        this.answer = answer;
    }

    public String getPath() {
        return path;
    }

    public Answer getAnswer() {
        return answer;
    }

    public void setAnswer(Answer answer) {
        this.answer = answer;
    }
}
