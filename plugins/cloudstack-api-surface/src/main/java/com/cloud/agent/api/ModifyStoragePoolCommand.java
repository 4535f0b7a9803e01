// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.agent.api;

import com.cloud.storage.StoragePool;

public class ModifyStoragePoolCommand extends Command {
    public ModifyStoragePoolCommand(boolean add, StoragePool pool) {
    }

    public boolean executeInSequence() {
        throw new UnsupportedOperationException();
    }
}
