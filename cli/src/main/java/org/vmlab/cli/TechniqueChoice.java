package org.vmlab.cli;

import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.DeviceTechnique;
import org.vmlab.vmm.Hosting;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.Techniques;

/**
 * The techniques a command line names ({@code --cpu}, {@code --mem}, {@code --devices}, {@code
 * --hosting}), looked up among those the chosen lab code registers, and the combinations no
 * technique can run refused: the one place the commands that build VMs ({@code run}, {@code
 * snapshot}, {@code restore}) resolve them, each with a {@link UserError} naming what there is.
 */
final class TechniqueChoice {
    private final LabCode.Impl code;
    private final Techniques techniques;

    /** The techniques of {@code impl}'s lab code (compiled anew first where a source changed). */
    TechniqueChoice(ImplOption impl) {
        this.code = impl.chosen();
        this.techniques = impl.techniques();
    }

    /** The CPU technique named {@code name}. */
    CpuTechnique cpu(String name) {
        return techniques.cpu(name).orElseThrow(() -> new UserError("unknown --cpu '" + name + "' (" + code
                + " has: " + String.join(", ", techniques.cpuNames()) + ")"));
    }

    /** The memory technique named {@code name} (the old name of identity paging, {@code direct}, is the caller's to translate). */
    MemoryTechnique memory(String name) {
        return techniques.memory(name).orElseThrow(() -> new UserError("unknown --mem '" + name + "' (" + code
                + " has: " + String.join(", ", techniques.memoryNames()) + ")"));
    }

    /** Refuses {@code memory} if it is the processor's nested paging and {@code cpu} does not run it. */
    void checkRuns(CpuTechnique cpu, MemoryTechnique memory) {
        if (memory.nestedPaging() && !cpu.runsNestedPaging()) {
            throw new UserError("--mem " + memory.name() + " is the processor's nested paging, which --cpu " + cpu.name()
                    + " does not run: use --cpu " + String.join(" or --cpu ", techniques.cpuNames().stream()
                    .filter(name -> techniques.cpu(name).orElseThrow().runsNestedPaging()).toList()));
        }
    }

    /** The device technique named {@code name}, or null for none (the VMM's own emulation). */
    DeviceTechnique devices(String name) {
        return name == null ? null : techniques.devices(name).orElseThrow(() -> new UserError("unknown --devices '"
                + name + "' (" + code + " has: " + String.join(", ", techniques.deviceNames()) + ")"));
    }

    /** Refuses {@code devices} if it needs a paravirtual kernel's front ends that {@code cpu} does not run. */
    static void checkRuns(CpuTechnique cpu, DeviceTechnique devices) {
        if (devices != null && devices.paravirtual() && !cpu.paravirtual()) {
            throw new UserError("--devices " + devices.name() + " needs a paravirtual kernel's front ends:"
                    + " run it with --cpu paravirt --mem pv-mmu");
        }
    }

    /** The hosting model named {@code name}. */
    static Hosting hosting(String name) {
        try {
            return Hosting.of(name);
        } catch (IllegalArgumentException e) {
            throw new UserError("--hosting: " + e.getMessage());
        }
    }

    /** The page-sharing rules of the chosen lab code (Lab 7's), which --page-sharing runs. */
    org.vmlab.vmm.overcommit.SharingRules sharingRules() {
        return techniques.sharingRules().orElseThrow(() -> new UserError("--page-sharing: " + code
                + " registers no page-sharing rules (Lab 7's org.vmlab.labs.lab7.PageSharingRules)"));
    }

    /** The pre-copy policy of the chosen lab code (Lab 7's), which --migrate-at runs. */
    org.vmlab.vmm.migration.PreCopyPolicy preCopyPolicy() {
        return techniques.preCopyPolicy().orElseThrow(() -> new UserError("--migrate-at: " + code
                + " registers no pre-copy policy (Lab 7's org.vmlab.labs.lab7.PreCopyRules)"));
    }
}
