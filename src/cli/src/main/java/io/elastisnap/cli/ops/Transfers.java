// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import io.elastisnap.transfer.TransferException;

/** A transfer failure as the CLI reports it. */
final class Transfers {
    private Transfers() {
    }

    static CliException toCli(TransferException e) {
        ExitCode code = e.kind() == TransferException.Kind.BAD_INPUT ? ExitCode.USAGE : ExitCode.FAILED;
        return new CliException(code, e.getMessage(), e.fix(), e);
    }
}
