package org.vmlab.vmm;

import static org.vmlab.machine.isa.Registers.CPL_MASK;
import static org.vmlab.machine.isa.Registers.FLAG_IF;
import static org.vmlab.machine.isa.Registers.SP;

import org.vmlab.machine.Fault;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;

/**
 * Delivering a trap into the guest: the VMM does in software what the guest's hardware would do,
 * through the guest's own interrupt table, onto the guest's own kernel stack. It is how a true
 * fault or a system call is <em>reflected</em> and how a virtual interrupt is <em>injected</em>.
 *
 * <p>The sequence is the bare machine's, step for step: read the gate at the virtual IDTR; switch
 * to the kernel stack (virtual cr4) when coming from an outer virtual ring; push the old sp, the
 * FLAGS the guest would see (virtual IF and ring), the return pc and the error code; enter virtual
 * ring 0 with virtual interrupts off (unless the gate keeps them: {@link Gates#masksInterrupts}).
 * A fault on the way becomes a double fault, and a fault delivering that stops the VM, as it
 * would stop the machine. Traps delivered in a row with no
 * guest instruction retired between them burn the guest's fuel as on the machine: once they are
 * as many as the fuel left, the next fault or interrupt is not taken and the VM stops with
 * {@link StopReason#FUEL_EXHAUSTED}.
 */
public final class VirtualTraps {
    /**
     * Where the gate of each vector comes from: a word holding the handler's address and, in its
     * low two bits, the most outer ring that may reach it with {@code int}. By default the
     * guest's own interrupt table at its virtual IDTR, as its hardware reads it; a paravirtual
     * guest registers its trap table with the hypervisor instead (Xen's {@code set_trap_table}).
     */
    @FunctionalInterface
    public interface Gates {
        /** The gate of {@code vector}; 0 if there is none. A guest fault reading it is thrown. */
        int gate(int vector);

        /**
         * Whether entering {@code vector}'s handler clears the virtual IF. Every gate of this
         * machine's interrupt table is an interrupt gate, which does; a paravirtual trap table
         * says so entry by entry (Xen's {@code TI_GET_IF}), and an entry without it leaves events
         * as they were.
         */
        default boolean masksInterrupts(int vector) {
            return true;
        }
    }

    /** How a delivery enters its handler, once the gate is known: pushes the frame and jumps. */
    @FunctionalInterface
    private interface Entering {
        void enter();
    }

    private final Vcpu vcpu;
    private final GuestVirtualMemory memory;
    private final long fuel;
    // Traps delivered since a guest instruction last retired (when it had retiredAtLastTrap).
    private long trapsInARow;
    private long retiredAtLastTrap = -1;
    private Gates gates = this::readGuestGate;

    /** Delivers traps for {@code vcpu}, whose runs may retire {@code fuel} instructions in all. */
    public VirtualTraps(Vcpu vcpu, GuestVirtualMemory memory, long fuel) {
        this.vcpu = vcpu;
        this.memory = memory;
        this.fuel = fuel;
    }

    /** Reflects {@code fault}, raised by the guest instruction at {@code pc}, into the guest. */
    public void reflect(Fault fault, int pc) {
        if (fault.vector() == Vector.PAGE_FAULT) {
            vcpu.setControlRegister(Registers.CR2, fault.address());
        }
        deliver(fault.vector(), fault.errorCode(), pc);
    }

    /**
     * {@code int vector} at {@code pc}: if the guest's gate admits the guest's current ring, the
     * instruction retires and the guest enters its handler; else it raises #GP, as on bare metal.
     */
    public void softwareInterrupt(int vector, int pc) {
        int gate;
        try {
            gate = readGate(vector);
        } catch (Fault f) {
            reflect(f, pc);
            return;
        }
        if ((gate & 3) < vcpu.virtualRing()) {
            deliver(Vector.GENERAL_PROTECTION, gateErrorCode(vector), pc);
            return;
        }
        vcpu.retire(1);
        enter(vector, 0, pc + 4);   // the int retired: its delivery is part of it
    }

    /**
     * Enters the guest's handler of {@code vector}, returning to {@code returnPc}: for a fault
     * or an interrupt, unless the traps in a row have spent the fuel (then the VM stops).
     */
    public void deliver(int vector, int errorCode, int returnPc) {
        if (trapsSpentTheFuel()) {
            return;
        }
        enter(vector, errorCode, returnPc);
    }

    /**
     * Enters the guest at {@code handler}, returning to {@code returnPc}, as an interrupt enters
     * its handler: the same frame (error code 0) on the same stack, virtual ring 0, virtual
     * interrupts off; a fault on the way is a double fault. For an entry point that is no vector
     * of the guest's table: a paravirtual guest's event callback (Xen's upcall). Unless the traps
     * in a row have spent the fuel (then the VM stops).
     */
    public void deliverTo(int handler, int returnPc) {
        if (trapsSpentTheFuel()) {
            return;
        }
        enter(-1, () -> enterAt(handler & ~3, true, 0, returnPc), returnPc);
    }

    /**
     * True, having stopped the VM with {@link StopReason#FUEL_EXHAUSTED}, if the traps delivered
     * in a row, with no guest instruction retired since the first of them, are as many as the
     * fuel left: the bare machine's rule (docs/isa.md, "Time and fuel"), so that a guest handler
     * that faults at once, on a kernel stack that never leaves RAM, stops the VM where it would
     * stop the machine. Ask before taking an interrupt from the controller.
     */
    public boolean trapsSpentTheFuel() {
        long retired = vcpu.instructions();
        long inARow = retired == retiredAtLastTrap ? trapsInARow : 0;
        if (inARow < fuel - retired) {
            return false;
        }
        vcpu.stop(StopReason.FUEL_EXHAUSTED, String.format("%d traps delivered in a row without an"
                + " instruction retiring, as many as the fuel left: each handler faults before its"
                + " first instruction completes (pc=0x%08x)", inARow, vcpu.pc()));
        return true;
    }

    private void enter(int vector, int errorCode, int returnPc) {
        enter(vector, () -> enterHandler(vector, errorCode, returnPc), returnPc);
    }

    /** {@code vector} is -1 for an entry point that is no vector ({@link #deliverTo}). */
    private void enter(int vector, Entering entering, int returnPc) {
        long retired = vcpu.instructions();
        if (retired != retiredAtLastTrap) {
            trapsInARow = 0;
            retiredAtLastTrap = retired;
        }
        trapsInARow++;
        try {
            entering.enter();
        } catch (Fault nested) {
            if (vector == Vector.DOUBLE_FAULT) {
                vcpu.stop(StopReason.TRIPLE_FAULT, String.format(
                        "fault (%s) while delivering a double fault at pc=0x%08x",
                        nested.getMessage(), vcpu.pc()));
                return;
            }
            if (nested.vector() == Vector.PAGE_FAULT) {
                vcpu.setControlRegister(Registers.CR2, nested.address());
            }
            try {
                enterHandler(Vector.DOUBLE_FAULT, 0, returnPc);
            } catch (Fault again) {
                vcpu.stop(StopReason.TRIPLE_FAULT, String.format(
                        "%s at pc=0x%08x could not be delivered (%s), nor could the double fault (%s)",
                        vector < 0 ? "the event callback" : "vector " + vector, vcpu.pc(),
                        nested.getMessage(), again.getMessage()));
            }
        }
    }

    /** Enters the handler that {@code vector}'s gate names, or raises the #GP of a missing gate. */
    private void enterHandler(int vector, int errorCode, int returnPc) {
        int gate = readGate(vector);
        if ((gate & ~3) == 0) {
            throw new Fault(Vector.GENERAL_PROTECTION, gateErrorCode(vector));
        }
        enterAt(gate & ~3, gates.masksInterrupts(vector), errorCode, returnPc);
    }

    /** Nothing of the guest's state changes until every push has succeeded. */
    private void enterAt(int handler, boolean maskInterrupts, int errorCode, int returnPc) {
        int oldSp = vcpu.register(SP);
        int sp = vcpu.virtualRing() > 0 ? vcpu.controlRegister(Registers.CR4) : oldSp;
        pushFrameWord(sp - 4, oldSp);
        pushFrameWord(sp - 8, vcpu.flags());
        pushFrameWord(sp - 12, returnPc);
        pushFrameWord(sp - 16, errorCode);
        vcpu.setRegister(SP, sp - 16);
        vcpu.setFlags(vcpu.flags() & ~(maskInterrupts ? CPL_MASK | FLAG_IF : CPL_MASK));
        vcpu.setPc(handler);
        vcpu.stopWaiting();
    }

    /** As on bare metal, a trap frame must land in guest RAM, else #GP during delivery. */
    private void pushFrameWord(int va, int value) {
        memory.writeFrameWord(va, value);
    }

    /** Takes the gates from {@code gates} from now on, instead of the guest's interrupt table. */
    public void setGates(Gates gates) {
        this.gates = gates;
    }

    private int readGate(int vector) {
        return gates.gate(vector);
    }

    private int readGuestGate(int vector) {
        return memory.readWord(vcpu.idtr() + (vector << 2), 0);
    }

    /** As on the x86: the gate's index, flagged "interrupt table". */
    public static int gateErrorCode(int vector) {
        return (vector << 3) | 2;
    }
}
