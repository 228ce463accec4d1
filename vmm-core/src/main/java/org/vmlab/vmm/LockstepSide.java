package org.vmlab.vmm;

import org.vmlab.machine.CpuSnapshot;
import org.vmlab.machine.Machine;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.SymbolTable;

/**
 * One side of a {@link Lockstep} comparison: a guest that runs a given number of instructions at
 * a time and shows its state in between. Bare metal and a VM are the two sides of the equivalence
 * the labs check ({@link #of(Machine)}, {@link #of(VirtualMachine)}); two machines whose engines
 * differ, a VM and its migrated copy, or a VM under hardware assistance are sides as well.
 *
 * <p>Both sides of a comparison start from the same program in the same state. Each names itself
 * in the reports: {@link #name()} in a sentence ("bare metal", "the VM"), {@link #label()} beside
 * a value ("native", "virtual").
 */
public interface LockstepSide {

    /** How a report names this side in a sentence: "bare metal", "the VM". */
    String name();

    /** How a line of differences names this side's value: "native", "virtual". */
    String label();

    /** Before the first run (a VM is switched in onto its machine). */
    default void begin() {
    }

    /** After the last run (a VM is switched out). */
    default void end() {
    }

    /**
     * Runs at most {@code instructions} more guest instructions: pauses once they have retired,
     * or stops for good before (none, if {@code instructions} is not positive). Running in pauses
     * takes the same path as one run.
     */
    void run(long instructions);

    /** Guest instructions retired so far. */
    long instructions();

    /** Whether the guest has stopped for good (halted, out of fuel, stopped by its VMM), not merely paused. */
    boolean stopped();

    /** Why the guest stopped, when {@link #stopped()}. */
    StopReason stopReason();

    /** The instructions this side may retire in all. */
    long fuel();

    /** The guest's pc. */
    int pc();

    /** The guest's processor state, as it would be on bare metal. */
    CpuSnapshot state();

    /** What the guest did so far, as a run's result. */
    RunResult result();

    /** The instruction at guest-virtual {@code pc}, disassembled; "?" where the guest could not fetch one. */
    String instructionAt(int pc);

    /** The symbols of the guest's program, to name addresses. */
    SymbolTable symbols();

    /** The size of the guest's (guest-physical) memory in bytes. */
    int memoryBytes();

    /** The word at guest-physical {@code address}. */
    int memoryWord(int address);

    /** A bare machine: "bare metal", its values "native". */
    static LockstepSide of(Machine bare) {
        return new BareMetalSide(bare, "bare metal", "native");
    }

    /** A bare machine, named as given: for two machines compared with each other. */
    static LockstepSide of(Machine machine, String name, String label) {
        return new BareMetalSide(machine, name, label);
    }

    /** A VM (whose hypervisor runs no other VM meanwhile): "the VM", its values "virtual". */
    static LockstepSide of(VirtualMachine vm) {
        return new VirtualMachineSide(vm);
    }
}
