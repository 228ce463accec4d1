package org.vmlab.machine;

import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.vt.Vmcs;
import org.vmlab.machine.vt.VmcsField;

/**
 * A {@link Bench} on a machine with the vt feature, and a VMCS whose guest is the bench's code:
 * the guest starts at {@link Bench#CODE} in ring 0 of non-root mode, interrupts off, with the
 * bench's interrupt table (whose handlers record the vector in r13 and {@code hlt}: in non-root
 * mode, with IF = 0, that is a VM exit for HLT) and kernel stack. Nothing exits unless a test sets
 * a control. The host state is the bench's own root: paging off, pc {@link #HOST}.
 */
final class VtBench {
    static final int VMCS = 0x10000;
    static final int IO_BITMAP_A = 0x11000;
    static final int IO_BITMAP_B = 0x12000;
    /** Where root code goes on after a VM exit. */
    static final int HOST = 0x8000;
    static final long FUEL = 1_000_000;

    final Bench bench;
    final Vmcs vmcs;

    VtBench(IsaVariant isa) {
        bench = new Bench(MachineConfig.builder().isa(isa).memoryBytes(1 << 20).fuel(FUEL).vt(true).build());
        vmcs = Vmcs.format(bench.machine.memory(), VMCS);
        set(VmcsField.GUEST_PC, Bench.CODE);
        set(VmcsField.GUEST_SP, Bench.KERNEL_STACK);
        set(VmcsField.GUEST_CR4, Bench.KERNEL_STACK);
        set(VmcsField.GUEST_IDTR_BASE, Bench.IDT);
        set(VmcsField.HOST_PC, HOST);
        set(VmcsField.HOST_SP, Bench.KERNEL_STACK);
        set(VmcsField.HOST_CR4, Bench.KERNEL_STACK);
        set(VmcsField.HOST_IDTR_BASE, Bench.IDT);
        set(VmcsField.IO_BITMAP_A, IO_BITMAP_A);
        set(VmcsField.IO_BITMAP_B, IO_BITMAP_B);
        if (cpu().vmptrld(VMCS) != 0) {
            throw new AssertionError("vmptrld failed");
        }
    }

    static VtBench classic() {
        return new VtBench(IsaVariant.CLASSIC);
    }

    Cpu cpu() {
        return bench.cpu();
    }

    VtBench set(VmcsField field, int value) {
        vmcs.write(field, value);
        return this;
    }

    int get(VmcsField field) {
        return vmcs.read(field);
    }

    /** Sets bits of a control field. */
    VtBench control(VmcsField field, int bits) {
        return set(field, get(field) | bits);
    }

    int code(int... words) {
        return bench.code(words);
    }

    StopReason launch() {
        return cpu().vmlaunch(FUEL);
    }

    StopReason resume() {
        return cpu().vmresume(FUEL);
    }

    /** As a monitor does after an instruction's exit: the guest goes on after it. */
    StopReason skipAndResume() {
        set(VmcsField.GUEST_PC, get(VmcsField.GUEST_PC) + get(VmcsField.VM_EXIT_INSTRUCTION_LENGTH));
        return resume();
    }

    int exitReason() {
        return get(VmcsField.EXIT_REASON);
    }

    int guestPc() {
        return get(VmcsField.GUEST_PC);
    }

    int r(int n) {
        return bench.r(n);
    }

    /** Sets the guest's FLAGS. */
    VtBench guestFlags(int flags) {
        return set(VmcsField.GUEST_FLAGS, flags);
    }

    static int interruptsOn() {
        return Registers.FLAG_IF;
    }
}
