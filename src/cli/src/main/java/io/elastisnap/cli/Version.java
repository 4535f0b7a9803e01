// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (set by Maven), else "development". */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {"elastisnap " + (v == null ? "development build" : v)};
    }
}
