// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

import com.cloud.agent.api.Answer;
import com.cloud.agent.api.to.DataObjectType;
import com.cloud.agent.api.to.DataTO;

public interface DataObject {
    long getId();

    DataTO getTO();

    DataStore getDataStore();

    Long getSize();

    DataObjectType getType();

    String getUuid();

    void processEvent(ObjectInDataStoreStateMachine.Event event);

    void processEvent(ObjectInDataStoreStateMachine.Event event, Answer answer);

    String getName();
}
