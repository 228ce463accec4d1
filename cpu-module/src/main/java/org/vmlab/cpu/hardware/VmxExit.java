package org.vmlab.cpu.hardware;

import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.memory.NestedPageViolation;
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

    /**
     * The nested tables refused the guest an access (exit reason 48): for the memory technique to
     * map the frame or emulate the device. {@code vectoring} is the IDT-vectoring information:
     * the event whose delivery the violation interrupted, or 0.
     */
    public record EptViolation(int pc, NestedPageViolation violation, int vectoring) implements Exit.TechniqueExit {
        /** The kind's name. */
        public static final String KIND = "ept violation";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String qualification() {
            return String.format(" gpa 0x%08x (%s)", violation.guestPhysical(),
                    violation.access() == org.vmlab.machine.memory.Mmu.WRITE ? "write"
                            : violation.access() == org.vmlab.machine.memory.Mmu.FETCH ? "fetch" : "read");
        }
    }
}
