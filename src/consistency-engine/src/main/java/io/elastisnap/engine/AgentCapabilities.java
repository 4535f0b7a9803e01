// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** What {@code guest-info} says: the agent version and the names of the commands it has enabled. */
public final class AgentCapabilities {
    public static final String FREEZE = "guest-fsfreeze-freeze";
    public static final String FREEZE_LIST = "guest-fsfreeze-freeze-list";
    public static final String THAW = "guest-fsfreeze-thaw";
    public static final String STATUS = "guest-fsfreeze-status";
    /** Lists the file systems and their disks: what a partial freeze is derived from. */
    public static final String FSINFO = "guest-get-fsinfo";

    private final String version;
    private final Set<String> enabledCommands;

    public AgentCapabilities(String version, Set<String> enabledCommands) {
        this.version = version == null ? "" : version;
        this.enabledCommands = Collections.unmodifiableSet(new TreeSet<>(Objects.requireNonNull(enabledCommands, "enabledCommands")));
    }

    public String version() {
        return version;
    }

    public Set<String> enabledCommands() {
        return enabledCommands;
    }

    public boolean isEnabled(String command) {
        return enabledCommands.contains(command);
    }

    @Override
    public String toString() {
        return "AgentCapabilities[version=" + version + ", enabled=" + enabledCommands + "]";
    }
}
