// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.framework.config.impl;

public class ConfigurationVO {
    protected ConfigurationVO() {
    }
}
