package org.vmlab.cpu.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.labs.lab6.HardwareTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.labs.lab6.NestedPagingTechnique;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.vt.Vmcs;
import org.vmlab.memory.identity.IdentityPagingTechnique;
import org.vmlab.vmm.Errno;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * A guest cannot reach the real processor's VMX operation: its own VMX instructions exit, and the
 * VMM gives it the #UD of a processor without the vt feature (which is what its virtual processor
 * is); its kernel's {@code vmcall} is a hypercall, its user mode's another #UD. The VMM never
 * throws, and the VM's VMCS stays the current one. A guest that writes all its physical memory and
 * past it reaches neither its VMCS, nor the VMM's shadow or nested tables, nor another VM.
 */
class HardwareContainmentTest {
    private static final int MEMORY = 64 << 10;

    /**
     * Counts in r10 the #UDs its handler takes (stepping over each), then halts. r11 is the
     * kernel's hypercall result.
     */
    private static final String GUEST = """
                .segment kernel, 0x1000
                .entry start
            start:
                la r1, idt
                lidt r1
                li sp, 0x8000
                lui r2, 0
                vmptrld r2
                vmclear r2
                vmlaunch
                vmresume
                vmread r3, r2
                vmwrite r2, r3
                li r1, 77
                vmcall
                mov r11, r1
                la r1, user
                li r2, 0x7000
                push r2
                li r2, 0x3000
                push r2
                push r1
                la r1, 0x7800
                mtcr cr4, r1
                iret
            user:
                vmcall
                vmlaunch
                int 0x30
            ud:
                addi sp, sp, 4
                lw r9, 0(sp)
                addi r9, r9, 4
                sw r9, 0(sp)
                addi r10, r10, 1
                iret
            done:
                cli
                hlt
                .align 4096
            idt:
                .space 24
                .word ud
                .space 164
                .word done + 3
                .space 828
            """;

    static Stream<IsaVariant> isas() {
        return Stream.of(IsaVariant.CLASSIC, IsaVariant.LEGACY);
    }

    @ParameterizedTest
    @MethodSource("isas")
    void aGuestsVmxInstructionsAreItsOwnUndefinedOpcodesAndVmcallAHypercall(IsaVariant isa) throws AssemblyException {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(isa).memoryBytes(MEMORY + Vmcs.SIZE).vt(true)
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        VirtualMachine vm = vmm.create(new VmConfig("hostile", MEMORY, MEMORY >> 12, 100_000, DeviceConfig.defaults()),
                new HardwareTechnique().create(), new IdentityPagingTechnique().create());
        vm.load(Assembler.assembleSource(GUEST));

        RunResult result = vm.run();

        assertThat(result.stopReason()).as(result.stopDetail()).isEqualTo(StopReason.HALT);
        assertThat(vm.vcpu().register(10)).as("#UDs: six in the kernel, vmcall and vmlaunch in user mode").isEqualTo(8);
        assertThat(vm.vcpu().register(11)).as("an unknown hypercall").isEqualTo(-Errno.ENOSYS);
        assertThat(result.counters()).containsEntry("exit.vmx_instruction", 8L).containsEntry("vmm.vm_exit", 11L).containsEntry("exit.hypercall", 1L);
        assertThat(vmm.machine().cpu().currentVmcs().address())
                .isEqualTo(((VmcsBinding) vm.vcpu().binding()).address());
    }

    /**
     * Writes -1 to every word of guest-physical memory from 0x2000 up to 0x12000, its paging off:
     * past its own 64 KiB of RAM, to where its VMCS would be if guest-physical were machine.
     */
    private static final String SCRIBBLER = """
                .segment kernel, 0x1000
                .entry start
            start:
                li r1, 0x2000
                li r2, 0x12000
                li r3, -1
            loop:
                sw r3, 0(r1)
                addi r1, r1, 4
                cmp r1, r2
                bne loop
                cli
                hlt
            """;

    static Stream<Named<MemoryTechnique>> memoryVirtualization() {
        return Stream.of(Named.of("shadow paging", new ShadowPagingTechnique()),
                Named.of("nested paging", new NestedPagingTechnique()));
    }

    @ParameterizedTest(name = "under {0}")
    @MethodSource("memoryVirtualization")
    void aGuestWritingPastItsMemoryReachesNeitherItsVmcsNorItsVmmsTablesNorAnotherVm(MemoryTechnique memory)
            throws AssemblyException {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().memoryBytes(4 << 20).vt(true).fuel(Long.MAX_VALUE).build(),
                VmmCostModel.DEFAULT);
        VirtualMachine victim = vmm.create(new VmConfig("victim", MEMORY, MEMORY >> 12, 100_000, DeviceConfig.defaults()),
                new HardwareTechnique().create(), memory.create());
        victim.load(Assembler.assembleSource(SCRIBBLER));
        VirtualMachine scribbler = vmm.create(new VmConfig("scribbler", MEMORY, MEMORY >> 12, 1_000_000,
                DeviceConfig.defaults()), new HardwareTechnique().create(), memory.create());
        scribbler.load(Assembler.assembleSource(SCRIBBLER));
        String victimMemory = victim.memory().digest();

        RunResult run = scribbler.run();

        assertThat(run.stopReason()).as(run.stopDetail()).isEqualTo(StopReason.HALT);
        assertThat(run.counters().get("vmm.device_emulation")).as("the words past its RAM: device accesses, to nothing")
                .isEqualTo((0x12000 - MEMORY) / 4);
        assertThat(victim.memory().digest()).isEqualTo(victimMemory);
        Vmcs vmcs = new Vmcs(vmm.machine().memory(), ((VmcsBinding) scribbler.vcpu().binding()).address());
        assertThat(vmcs.revision()).as("the scribbler's own VMCS").isEqualTo(Vmcs.REVISION);
        assertThat(victim.run().stopReason()).as("the victim runs on").isEqualTo(StopReason.HALT);
    }

    @org.junit.jupiter.api.Test
    void underIdentityPagingAGuestThatOverwritesItsVmcsStopsItsOwnVmAndNothingElse() throws AssemblyException {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().memoryBytes(MEMORY + Vmcs.SIZE).vt(true)
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        VirtualMachine vm = vmm.create(new VmConfig("scribbler", MEMORY, MEMORY >> 12, 1_000_000, DeviceConfig.defaults()),
                new HardwareTechnique().create(), new IdentityPagingTechnique().create());
        vm.load(Assembler.assembleSource(SCRIBBLER));

        RunResult run = vm.run();

        // Identity paging gives the guest the machine's memory, the VMCS's page included
        // (docs/vmm.md): what it wrote there is found at the next VM entry, and the VM stops.
        assertThat(run.stopReason()).as(run.stopDetail()).isIn(StopReason.HALT, StopReason.MONITOR_ERROR);
    }
}
