package org.vmlab.vmm;

import java.util.List;
import org.vmlab.machine.isa.Instruction;

/**
 * Control reached the VMM: why, with the qualification a handler needs, as a VM exit carries it
 * (Intel's SDM, volume 3, chapter 27: a basic exit reason and its exit qualification). Each kind
 * is a record that holds exactly what that kind has: no {@code -1} vector, no null instruction.
 *
 * <p>The kinds here are the ones any CPU technique may raise and the core knows how to count and
 * trace. A technique with exits of its own (binary translation's callouts, say) declares them as
 * records implementing {@link TechniqueExit} in its own module, and registers their handlers in
 * the VM's {@link ExitHandlers}. Every exit, whoever declares it, is routed through that table.
 */
public sealed interface Exit {
    /**
     * The core's kinds that a guest instruction causes, in the order counters and summaries list
     * them. A technique's own kinds (which its code raises for a guest instruction) follow them,
     * in the order they first occur, and then {@link #INTERRUPT_KINDS}.
     */
    List<String> INSTRUCTION_KINDS = List.of(PrivilegedInstruction.KIND, IoAccess.KIND, Halt.KIND,
            PageFault.KIND, GuestException.KIND, SoftwareInterrupt.KIND, Hypercall.KIND);

    /** The core's kinds that concern interrupts and time, listed last. */
    List<String> INTERRUPT_KINDS = List.of(InterruptWindow.KIND, ExternalInterrupt.KIND, Timer.KIND);

    /** The guest instruction concerned: for a fault, the one that did not retire. */
    int pc();

    /**
     * The kind's name in words, as counters and traces show it ({@code "page fault"}); the
     * counter is {@code exit.} and the name with underscores ({@code exit.page_fault}).
     */
    String kind();

    /** The kind's name as a counter's: lower case, underscores for spaces. */
    default String counterName() {
        return kind().replace(' ', '_');
    }

    /**
     * The VMM's timer (a VMX-preemption timer): the guest ran as far as it may, up to its next
     * virtual device event, the end of its time slice or of its fuel.
     */
    record Timer(int pc) implements Exit {
        /** The kind's name. */
        public static final String KIND = "timer";

        @Override
        public String kind() {
            return KIND;
        }
    }

    /**
     * A real interrupt arrived while the guest ran: it is the machine's, not the guest's, so it
     * leaves the guest at once (VT-x's "external interrupt" exit, with the vector it carries).
     */
    record ExternalInterrupt(int pc, int vector) implements Exit {
        /** The kind's name. */
        public static final String KIND = "external interrupt";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String qualification() {
            return " vector " + vector;
        }
    }

    /** A privileged instruction of the deprivileged guest kernel trapped (#GP): to be emulated. */
    record PrivilegedInstruction(int pc, Instruction instruction) implements Exit, InstructionExit {
        /** The kind's name. */
        public static final String KIND = "privileged instruction";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String qualification() {
            return " (" + instruction + ")";
        }
    }

    /** An {@code in} or {@code out} trapped: a device register access, to be emulated. */
    record IoAccess(int pc, Instruction instruction) implements Exit, InstructionExit {
        /** The kind's name. */
        public static final String KIND = "io access";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String qualification() {
            return " (" + instruction + ")";
        }
    }

    /** {@code hlt} trapped: the guest waits for an interrupt, or powers off. */
    record Halt(int pc, Instruction instruction) implements Exit, InstructionExit {
        /** The kind's name. */
        public static final String KIND = "halt";

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
     * A page fault: hidden (the VMM's own doing) or the guest's, to be reflected.
     *
     * @param address   the virtual address that faulted (what cr2 would hold)
     * @param errorCode the present, write, user and fetch bits ({@code Vector.PF_*})
     */
    record PageFault(int pc, int address, int errorCode) implements Exit {
        /** The kind's name. */
        public static final String KIND = "page fault";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String qualification() {
            return String.format(" error 0x%x address 0x%08x", errorCode, address);
        }

        /**
         * The privilege of the access that faulted, as its error code's user bit says: 3 for a
         * user access, 0 for a supervisor one. Usually the guest's ring, but not always: the
         * processor's own accesses when it delivers an event (reading the gate, pushing the
         * frame on the kernel stack) are supervisor accesses even from user mode. Walk the
         * guest's tables with this, not with the vCPU's ring.
         */
        public int privilege() {
            return (errorCode & org.vmlab.machine.isa.Vector.PF_USER) != 0 ? 3 : 0;
        }
    }

    /** Any other exception raised by a guest instruction, to be reflected into the guest. */
    record GuestException(int pc, int vector, int errorCode) implements Exit {
        /** The kind's name. */
        public static final String KIND = "exception";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String qualification() {
            return String.format(" vector %d error 0x%x", vector, errorCode);
        }
    }

    /** A system call or other {@code int n}, to be reflected into the guest's handler. */
    record SoftwareInterrupt(int pc, int vector) implements Exit {
        /** The kind's name. */
        public static final String KIND = "software interrupt";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String qualification() {
            return " vector " + vector;
        }
    }

    /**
     * The guest made interrupts deliverable (emulated {@code sti}, {@code popf}, {@code iret}
     * without leaving the VMM's code path): the VMM looks at pending interrupts before going on.
     * VT-x's "interrupt window" exit.
     */
    record InterruptWindow(int pc) implements Exit {
        /** The kind's name. */
        public static final String KIND = "interrupt window";

        @Override
        public String kind() {
            return KIND;
        }
    }

    /**
     * The guest kernel called the hypervisor ({@link HypercallTable} routes it by number; the
     * arguments are in the guest's registers, as {@link HypercallTable} lays them out).
     *
     * @param pc the hypercall instruction's own address; the call returns after it
     */
    record Hypercall(int pc, int number) implements Exit {
        /** The kind's name. */
        public static final String KIND = "hypercall";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String qualification() {
            return " number " + number;
        }
    }

    /**
     * An exit that one technique declares for itself, beyond the core's kinds: a record in the
     * technique's module, with a handler the technique registers in {@link ExitHandlers}. Its
     * {@link #kind()} must not be one of the core's.
     */
    non-sealed interface TechniqueExit extends Exit {
    }

    /**
     * What the kind carries beyond its pc, for messages and traces ({@code " (cli)"},
     * {@code " vector 14 error 0x2 address 0x00400000"}); empty when nothing.
     */
    default String qualification() {
        return "";
    }

    /** A one-line description: kind, pc, and the qualification. */
    static String describe(Exit exit) {
        return exit.counterName() + String.format(" at pc=0x%08x", exit.pc()) + exit.qualification();
    }
}
