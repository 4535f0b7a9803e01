// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.agent;

import com.cloud.agent.api.Answer;
import com.cloud.agent.api.Command;
import com.cloud.exception.AgentUnavailableException;
import com.cloud.exception.OperationTimedoutException;

public interface AgentManager {
    Answer send(Long hostId, Command cmd) throws AgentUnavailableException, OperationTimedoutException;
}
