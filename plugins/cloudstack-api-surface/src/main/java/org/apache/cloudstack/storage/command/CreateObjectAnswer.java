// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.storage.command;

import com.cloud.agent.api.Answer;
import com.cloud.agent.api.to.DataTO;

public final class CreateObjectAnswer extends Answer {
    private DataTO data;

    public CreateObjectAnswer(DataTO data) {
        super();
        this.data = data;
    }

    public DataTO getData() {
        return data;
    }

    public CreateObjectAnswer(String errMsg) {
        super(null, false, errMsg);
    }
}
