package org.vmlab.cpu;

import org.vmlab.machine.Cpu;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.Trap;
import org.vmlab.machine.isa.Vector;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.VirtualMachine;

/**
 * Direct execution: the guest's instructions run on the real CPU, deprivileged, until one traps
 * or the budget ends. Every CPU technique runs (some) guest code this way.
 */
public final class DirectExecution {
    private DirectExecution() {
    }

    /**
     * Runs the loaded guest directly for at most {@code budget} instructions and retires them;
     * the vCPU's virtual ring then follows the real one, which a direct gate may have changed
     * without an exit ({@link org.vmlab.vmm.Vcpu#followRealRing}).
     *
     * @return the trap that stopped it, or null if the budget ran out
     */
    public static Trap run(VirtualMachine vm, long budget) {
        Cpu cpu = vm.host().cpu();
        long before = cpu.instructions();
        StopReason stop = cpu.run(before + budget);
        vm.vcpu().retireDirectly(cpu.instructions() - before);
        vm.vcpu().followRealRing();   // a direct gate may have taken user mode into the kernel
        return switch (stop) {
            case FUEL_EXHAUSTED -> null;
            case TRAP -> cpu.lastTrap();
            default -> throw new IllegalStateException(
                    "the guest stopped the real machine: " + stop + " " + cpu.stopDetail());
        };
    }

    /**
     * The exit for a trap, as far as the trap alone tells: a page fault, a system call, a real
     * interrupt, or an exception for the guest (a general-protection fault included; a technique
     * that emulates privileged instructions looks closer first).
     */
    public static Exit exitFor(Trap trap) {
        return switch (trap.kind()) {
            case SOFTWARE_INTERRUPT -> new Exit.SoftwareInterrupt(trap.pc(), trap.vector());
            case INTERRUPT -> new Exit.ExternalInterrupt(trap.pc(), trap.vector());
            case FAULT -> faultExit(trap.pc(), trap.vector(), trap.errorCode(), trap.address());
        };
    }

    /** The exit for a fault raised at {@code pc}: a page fault, or another exception. */
    public static Exit faultExit(int pc, int vector, int errorCode, int address) {
        return vector == Vector.PAGE_FAULT
                ? new Exit.PageFault(pc, address, errorCode)
                : new Exit.GuestException(pc, vector, errorCode);
    }
}
