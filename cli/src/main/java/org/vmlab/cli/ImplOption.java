package org.vmlab.cli;

import org.vmlab.vmm.Techniques;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code --impl} option of the commands that run the VMM: whose lab code it runs. */
final class ImplOption {
    @Option(names = "--impl", paramLabel = "IMPL",
            description = "Whose lab code the VMM runs: labs (yours) or solutions (the reference;"
                    + " the default where the repository has it).")
    LabCode.Impl impl;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The implementation chosen, or the default one. */
    LabCode.Impl chosen() {
        return impl != null ? impl : LabCode.defaultImpl();
    }

    /**
     * The techniques the chosen implementation registers, from its classes compiled anew first
     * where a source changed since they were built ({@link LabBuild}).
     */
    Techniques techniques() {
        LabBuild.of(chosen().name(), command.commandLine().getErr()).upToDate();
        return LabCode.techniques(chosen());
    }
}
