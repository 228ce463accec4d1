package org.vmlab.cpu;

import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.DeviceVirtualization;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.IdentityMemory;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * Small VMs for the CPU techniques' tests: a 64 KiB machine given whole to one VM, whose
 * guest-physical memory is the machine's frame for frame (vmm-core's test double
 * {@link IdentityMemory}, as identity paging, which lives in memory-module and so is out of reach
 * here), with the CPU technique under test.
 */
public final class TinyVm {
    /** RAM of the machine and of its one VM. */
    public static final int MEMORY = 64 << 10;
    /** Where {@link #kernel} puts the guest's code, and its entry point. */
    public static final int KERNEL_BASE = 0x1000;

    private TinyVm() {
    }

    /** A VM of {@code isa} running {@code cpu}, nothing loaded yet. */
    public static VirtualMachine create(IsaVariant isa, CpuVirtualization cpu) {
        return create(isa, cpu, DeviceConfig.defaults());
    }

    /** A VM of {@code isa} running {@code cpu} with {@code devices}, nothing loaded yet. */
    public static VirtualMachine create(IsaVariant isa, CpuVirtualization cpu, DeviceConfig devices) {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(isa).memoryBytes(MEMORY)
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        VmConfig config = new VmConfig("tiny", MEMORY, MEMORY / PhysicalMemory.PAGE_SIZE, 1_000_000, devices);
        return vmm.create(config, cpu, new IdentityMemory());
    }

    /** A VM of {@code isa} running {@code cpu}, its devices reached through {@code devices}, nothing loaded yet. */
    public static VirtualMachine create(IsaVariant isa, CpuVirtualization cpu, DeviceVirtualization devices) {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(isa).memoryBytes(MEMORY)
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        VmConfig config = new VmConfig("tiny", MEMORY, MEMORY / PhysicalMemory.PAGE_SIZE, 1_000_000,
                DeviceConfig.defaults());
        return vmm.create(config, cpu, new IdentityMemory(), devices);
    }

    /** A VM running {@code cpu} with {@code body} assembled at {@link #KERNEL_BASE}, switched in. */
    public static VirtualMachine withKernel(IsaVariant isa, CpuVirtualization cpu, String body) {
        return switchedIn(create(isa, cpu), body);
    }

    /** As {@link #withKernel(IsaVariant, CpuVirtualization, String)}, its devices reached through {@code devices}. */
    public static VirtualMachine withKernel(IsaVariant isa, CpuVirtualization cpu, DeviceVirtualization devices,
            String body) {
        return switchedIn(create(isa, cpu, devices), body);
    }

    private static VirtualMachine switchedIn(VirtualMachine vm, String body) {
        vm.load(kernel(body));
        vm.switchIn();
        return vm;
    }

    /** {@code body} as a kernel segment at {@link #KERNEL_BASE}, entered at its first line. */
    public static Image kernel(String body) {
        String source = "    .segment kernel, " + KERNEL_BASE + "\n    .entry start\nstart:\n" + body;
        try {
            return Assembler.assembleSource(source);
        } catch (AssemblyException e) {
            throw new IllegalArgumentException("the test program does not assemble: " + e.getMessage(), e);
        }
    }

    /** The address of label {@code name} in {@code vm}'s program. */
    public static int symbol(VirtualMachine vm, String name) {
        return vm.symbols().address(name).orElseThrow(() -> new IllegalArgumentException("no label " + name));
    }

    /** Puts the loaded vCPU in virtual ring {@code ring}, virtual interrupts off. */
    public static void enterRing(VirtualMachine vm, int ring) {
        vm.vcpu().setFlags(ring << Registers.CPL_SHIFT);
    }
}
