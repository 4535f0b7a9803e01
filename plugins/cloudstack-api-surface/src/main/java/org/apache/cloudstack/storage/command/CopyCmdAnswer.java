// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.storage.command;

import com.cloud.agent.api.Answer;
import com.cloud.agent.api.to.DataTO;

public class CopyCmdAnswer extends Answer {
    private DataTO newData;

    public CopyCmdAnswer(DataTO newData) {
        super();
        this.newData = newData;
    }

    public DataTO getNewData() {
        return newData;
    }
}
