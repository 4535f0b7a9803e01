// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.exception;

public class AgentUnavailableException extends ResourceUnavailableException {
    public AgentUnavailableException(String msg, long agentId) {
        super(msg, null, agentId);
    }
}
