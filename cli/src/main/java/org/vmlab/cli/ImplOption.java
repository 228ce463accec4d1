package org.vmlab.cli;

import org.vmlab.vmm.Techniques;
import picocli.CommandLine.Option;

/** The {@code --impl} option of the commands that run the VMM: whose lab code it runs. */
final class ImplOption {
    @Option(names = "--impl", paramLabel = "IMPL",
            description = "Whose lab code the VMM runs: labs (yours) or solutions (the reference;"
                    + " the default where the repository has it).")
    LabCode.Impl impl;

    /** The implementation chosen, or the default one. */
    LabCode.Impl chosen() {
        return impl != null ? impl : LabCode.defaultImpl();
    }

    /** The techniques the chosen implementation registers. */
    Techniques techniques() {
        return LabCode.techniques(chosen());
    }
}
