// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.exception;

import com.cloud.agent.api.Command;

public class OperationTimedoutException extends CloudException {
    public OperationTimedoutException(Command[] cmds, long agentId, long seqId, int time, boolean isActive) {
        super("Operation timed out");
    }
}
