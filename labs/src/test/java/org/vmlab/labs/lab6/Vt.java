package org.vmlab.labs.lab6;

import java.util.Map;
import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.asm.SourceLoader;
import org.vmlab.cpu.hardware.EntryConditions;
import org.vmlab.cpu.hardware.HardwareAssist;
import org.vmlab.cpu.hardware.VmExitInformation;
import org.vmlab.labs.GuestRuns;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.vt.Vmcs;
import org.vmlab.labs.lab1.PrivilegedInstructionEmulator;
import org.vmlab.labs.lab3.ShadowPagingRules;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.memory.identity.IdentityPaging;
import org.vmlab.memory.nested.NestedPaging;
import org.vmlab.memory.shadow.ShadowPaging;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryVirtualization;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/** Lab 6's VMMs, built from your code, and the situations its controls are asked about. */
final class Vt {
    /** An entry under a shadow page table (Lab 3): its cr3, invlpg and faults exit. */
    static final EntryConditions SHADOW = new EntryConditions(true, true, false, 0, 0, false, true);
    /** An entry under identity paging: only page faults (device windows) exit of the memory ones. */
    static final EntryConditions IDENTITY = new EntryConditions(false, true, false, 0, 0, false, true);
    /** An entry under nested paging, with nested tables at 0x123000 and VPID 7. */
    static final EntryConditions NESTED = new EntryConditions(false, false, true, 0x0012_3000, 7, false, true);

    private Vt() {
    }

    /** Hardware assistance: your controls and exit rules, your Lab 1's emulator. */
    static CpuVirtualization hardware() {
        return new HardwareAssist(new PrivilegedInstructionEmulator(), new VmcsSetupRules(), new VmExitRules());
    }

    /** Nested paging with your EPT violation handler. */
    static MemoryVirtualization nested() {
        return new NestedPaging(new EptViolationHandler());
    }

    /** Your Lab 3's shadow paging. */
    static MemoryVirtualization shadow() {
        return new ShadowPaging(new ShadowPagingRules());
    }

    static MemoryVirtualization identity() {
        return new IdentityPaging();
    }

    /** {@code conditions} with a virtual interrupt pending, which the guest can or cannot take now. */
    static EntryConditions pending(EntryConditions conditions, boolean interruptible) {
        return new EntryConditions(conditions.addressSpaceExits(), conditions.pageFaultExits(),
                conditions.nestedPaging(), conditions.eptPointer(), conditions.vpid(), true, interruptible);
    }

    /** A host with the vt feature and room for several VMs. */
    static Hypervisor host() {
        return new Hypervisor(MachineConfig.builder().memoryBytes(48 << 20).vt(true).fuel(Long.MAX_VALUE).build(),
                VmmCostModel.DEFAULT);
    }

    /** A VM of {@code bytes} on {@code vmm}, under your hardware assistance and {@code memory}. */
    static VirtualMachine vm(Hypervisor vmm, String name, int bytes, MemoryVirtualization memory, long fuel) {
        return vmm.create(new VmConfig(name, bytes, bytes >> 12, fuel, org.vmlab.machine.device.DeviceConfig.defaults()),
                hardware(), memory);
    }

    /** The test program {@code resource} with {@code defines}. */
    static Image program(String resource, Map<String, Integer> defines) {
        try {
            return new Assembler(SourceLoader.classpath(Vt.class.getClassLoader())).assemble(resource, defines);
        } catch (AssemblyException e) {
            throw new IllegalStateException("test program " + resource + " does not assemble: " + e.getMessage(), e);
        }
    }

    /** A program given as source. */
    static Image source(String source) {
        try {
            return Assembler.assembleSource(source);
        } catch (AssemblyException e) {
            throw new IllegalStateException("test program does not assemble: " + e.getMessage(), e);
        }
    }

    static final IsaVariant ISA = IsaVariant.CLASSIC;

    /** One instruction of each kind that exits, at 0x1000, 0x1004, ... */
    private static final String EXITING = """
                .segment kernel, 0x1000
                .entry start
            start:
                hlt
                out 0x3f8, r1
                in r2, 0x21
                mtcr cr3, r1
                mfcr r1, cr3
                invlpg r1
                vmcall
                vmlaunch
                vmptrld r2
                vmread r3, r2
            """;

    /** A VM with the exiting instructions loaded, and a VMCS whose exit information a test writes. */
    static final class Bench {
        final VirtualMachine vm;
        final Vmcs vmcs = Vmcs.format(new PhysicalMemory(Vmcs.SIZE), 0);

        Bench() {
            vm = GuestRuns.vm(source(EXITING), ISA, hardware(), identity(), GuestRuns.PROGRAM_FUEL);
        }

        /** The exit information of an exit at {@code pc}, in ring {@code ring}. */
        VmExitInformation at(int pc, int ring, boolean nested) {
            vm.vcpu().setPc(pc);
            vm.vcpu().setFlags(ring << Registers.CPL_SHIFT);
            return new VmExitInformation(vm, vmcs, nested);
        }
    }
}
