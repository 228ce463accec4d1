package org.vmlab.cpu.hardware;

import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.InstructionExit;

/** The exits of hardware assistance that the core has no kind for. */
public final class VmxExit {
    private VmxExit() {
    }

    /**
     * The guest ran a VMX instruction of its own ({@code vmptrld}, {@code vmlaunch}, ...; or
     * {@code vmcall} outside its kernel): the virtual processor has no vt feature, so it is the
     * guest's #UD, as on the bare machine.
     */
    public record VmxInstruction(int pc, Instruction instruction) implements Exit.TechniqueExit, InstructionExit {
        /** The kind's name. */
        public static final String KIND = "vmx instruction";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String qualification() {
            return " (" + instruction + ")";
        }
    }

    /**
     * The run cannot go on: the guest triple-faulted (its machine would stop), or the VMM's own
     * VM entry failed (the VMM's error).
     */
    public record Stop(int pc, StopReason reason, String detail) implements Exit.TechniqueExit {
        /** The kind's name. */
        public static final String KIND = "vm stop";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String qualification() {
            return " (" + reason + ": " + detail + ")";
        }
    }
}
