// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.agent.api.to;

public class VirtualMachineTO {
    protected VirtualMachineTO() {
    }
}
