// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.resource;

import com.cloud.agent.api.Answer;
import com.cloud.agent.api.Command;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

public abstract class CommandWrapper<T extends Command, A extends Answer, R extends ServerResource> {
    protected Logger logger = LogManager.getLogger(getClass());

    public abstract A execute(T command, R serverResource);
}
