// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.utils.component;

import java.util.List;

public interface PluggableService {
    List<Class<?>> getCommands();
}
