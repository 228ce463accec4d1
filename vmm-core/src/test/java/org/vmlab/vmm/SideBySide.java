package org.vmlab.vmm;

import static org.vmlab.machine.isa.Registers.CPL_MASK;
import static org.vmlab.machine.isa.Registers.CPL_SHIFT;
import static org.vmlab.machine.isa.Registers.FLAG_IF;

import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.machine.Cpu;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.Registers;

/**
 * One program, two worlds: a bare machine and a VM (on a {@link DirectCpu} and
 * {@link IdentityMemory}) with the same memory, loaded with the same image and put in the same
 * starting state, so that a test can run both and compare what the guest sees.
 *
 * <p>Layout, as the machine tests use it: the interrupt table at 0 (empty until a test adds
 * {@link #gate gates}), code from 0x1000, the user stack top at 0x7000, the kernel stack top at
 * 0x9000 (also cr4), page tables from 0x20000 when a test turns paging on.
 */
final class SideBySide {
    static final int MEMORY = 256 << 10;
    static final int IDT = 0;
    static final int USER_STACK = 0x7000;
    static final int KERNEL_STACK = 0x9000;

    final Machine bare;
    final Hypervisor hypervisor;
    final VirtualMachine vm;
    private final Image image;

    SideBySide(String source, CpuVirtualization cpu, long fuel) {
        this.image = assemble(source);
        this.bare = new Machine(MachineConfig.builder().memoryBytes(MEMORY).fuel(fuel).build());
        this.hypervisor = new Hypervisor(MachineConfig.builder().memoryBytes(MEMORY).build(), VmmCostModel.DEFAULT);
        this.vm = hypervisor.create(new VmConfig("guest", MEMORY, MEMORY / 4096, fuel, DeviceConfig.defaults()),
                cpu, new IdentityMemory());
        bare.load(image);
        vm.load(image);
        bare.cpu().setIdtr(IDT);
        vm.vcpu().setIdtr(IDT);
        controlRegister(Registers.CR4, KERNEL_STACK);
        register(Registers.SP, KERNEL_STACK);
    }

    /** The program under a faithful {@link DirectCpu}, with fuel enough for any test. */
    static SideBySide of(String source) {
        return new SideBySide(source, DirectCpu.faithful(), 100_000);
    }

    static Image assemble(String source) {
        try {
            return Assembler.assembleSource(source);
        } catch (AssemblyException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    int address(String label) {
        return image.symbols().address(label).orElseThrow(() -> new IllegalArgumentException("no label " + label));
    }

    /** Interrupt-table entry {@code vector}: the handler at {@code label}, callable from ring {@code dpl}. */
    SideBySide gate(int vector, String label, int dpl) {
        return word(IDT + 4 * vector, address(label) | dpl);
    }

    /** Writes the same word at the same physical address of both. */
    SideBySide word(int pa, int value) {
        bare.memory().writeWord(pa, value);
        vm.memory().writeWord(pa, value);
        return this;
    }

    SideBySide register(int n, int value) {
        bare.cpu().setRegister(n, value);
        vm.vcpu().setRegister(n, value);
        return this;
    }

    SideBySide controlRegister(int n, int value) {
        bare.cpu().setControlRegister(n, value);
        vm.vcpu().setControlRegister(n, value);
        return this;
    }

    /** Starts in ring {@code ring}, on the user stack outside ring 0. */
    SideBySide ring(int ring) {
        Cpu cpu = bare.cpu();
        cpu.setFlags((cpu.flags() & ~CPL_MASK) | ring << CPL_SHIFT);
        vm.vcpu().setFlags((vm.vcpu().flags() & ~CPL_MASK) | ring << CPL_SHIFT);
        if (ring > 0) {
            register(Registers.SP, USER_STACK);
        }
        return this;
    }

    SideBySide interruptsOn() {
        bare.cpu().setFlags(bare.cpu().flags() | FLAG_IF);
        vm.vcpu().setFlags(vm.vcpu().flags() | FLAG_IF);
        return this;
    }

    RunResult runBare() {
        return bare.run();
    }

    RunResult runVirtual() {
        return vm.run();
    }

    /** The four words a trap pushed, from the bare machine's final sp: error code, pc, FLAGS, old sp. */
    int[] bareFrame() {
        return frame(bare.cpu().register(Registers.SP), bare.memory()::readWord);
    }

    /** The same for the VM: from the guest's final sp, in guest-physical memory. */
    int[] virtualFrame() {
        return frame(vm.vcpu().register(Registers.SP), vm.memory()::readWord);
    }

    private static int[] frame(int sp, java.util.function.IntUnaryOperator word) {
        return new int[] {word.applyAsInt(sp), word.applyAsInt(sp + 4), word.applyAsInt(sp + 8),
                word.applyAsInt(sp + 12)};
    }
}
