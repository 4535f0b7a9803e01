// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

import com.cloud.agent.api.to.DataStoreTO;
import com.cloud.agent.api.to.DataTO;
import com.cloud.host.Host;
import java.util.Map;
import org.apache.cloudstack.framework.async.AsyncCompletionCallback;
import org.apache.cloudstack.storage.command.CommandResult;

public interface DataStoreDriver {
    Map<String, String> getCapabilities();

    DataTO getTO(DataObject data);

    DataStoreTO getStoreTO(DataStore store);

    void createAsync(DataStore store, DataObject data, AsyncCompletionCallback<CreateCmdResult> callback);

    void deleteAsync(DataStore store, DataObject data, AsyncCompletionCallback<CommandResult> callback);

    void copyAsync(DataObject srcData, DataObject destData, AsyncCompletionCallback<CopyCommandResult> callback);

    void copyAsync(DataObject srcData, DataObject destData, Host destHost, AsyncCompletionCallback<CopyCommandResult> callback);

    boolean canCopy(DataObject srcData, DataObject destData);

    void resize(DataObject data, AsyncCompletionCallback<CreateCmdResult> callback);

    default boolean canDisplayDetails() {
        return true;
    }
}
