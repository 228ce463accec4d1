package org.vmlab.cpu.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.labs.lab6.HardwareTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.vt.Vmcs;
import org.vmlab.machine.vt.VmcsField;
import org.vmlab.machine.vt.VmxControls;
import org.vmlab.memory.identity.IdentityPagingTechnique;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * The VMCS controls the hardware technique sets, asked of the memory technique rather than told
 * by its name: a shadow needs the guest's cr3, invlpg and faults; identity paging only the faults
 * (device windows). The rest is the same under both: HLT and I/O exit, the machine's interrupts
 * exit, the VMM's timer runs.
 */
class HardwareControlsTest {
    private static final int MEMORY = 64 << 10;
    private static final String GUEST = """
                .segment kernel, 0x1000
                .entry start
            start:
                nop
                cli
                hlt
            """;

    private static Vmcs vmcsAfterARun(MemoryTechnique memory) throws AssemblyException {
        CpuTechnique hardware = new HardwareTechnique();
        int machineBytes = memory.ownsTheMachine() ? MEMORY + Vmcs.SIZE : 4 * MEMORY;
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().memoryBytes(machineBytes).vt(hardware.needsVt())
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        VirtualMachine vm = vmm.create(new VmConfig("vm", MEMORY, MEMORY >> 12, 1000, DeviceConfig.defaults()),
                hardware.create(), memory.create());
        vm.load(Assembler.assembleSource(GUEST));
        assertThat(vm.run().stopReason()).isEqualTo(StopReason.HALT);
        return ((VmcsBinding) vm.vcpu().binding()).vmcs();
    }

    @Test
    void twoVmsEachWithItsOwnVmcsRunInTurnsAndTheFrameGoesBackWithTheVm() throws AssemblyException {
        CpuTechnique hardware = new HardwareTechnique();
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().memoryBytes(4 * MEMORY).vt(true)
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        VirtualMachine a = vmm.create(new VmConfig("a", MEMORY, MEMORY >> 12, 1000, DeviceConfig.defaults()),
                hardware.create(), new ShadowPagingTechnique().create());
        VirtualMachine b = vmm.create(new VmConfig("b", MEMORY, MEMORY >> 12, 1000, DeviceConfig.defaults()),
                hardware.create(), new ShadowPagingTechnique().create());
        a.load(Assembler.assembleSource(GUEST));
        b.load(Assembler.assembleSource(GUEST));
        vmm.setSlice(1);

        vmm.run();

        assertThat(a.result().stopReason()).isEqualTo(StopReason.HALT);
        assertThat(b.result().stopReason()).isEqualTo(StopReason.HALT);
        int vmcsA = ((VmcsBinding) a.vcpu().binding()).address();
        assertThat(vmcsA).isNotEqualTo(((VmcsBinding) b.vcpu().binding()).address());
        int free = vmm.frames().freeFrames();
        vmm.remove(a);
        assertThat(vmm.frames().freeFrames()).as("the VM's frames and its VMCS's").isGreaterThan(free);
        assertThat(vmm.machine().cpu().currentVmcs() == null
                || vmm.machine().cpu().currentVmcs().address() != vmcsA).as("a's VMCS is not current").isTrue();
    }

    @Test
    void theTechniqueSaysItNeedsTheVtFeature() {
        assertThat(new HardwareTechnique().needsVt()).isTrue();
        assertThat(new org.vmlab.labs.lab1.TrapAndEmulateTechnique().needsVt()).isFalse();
    }

    @Test
    void underShadowPagingCr3InvlpgAndPageFaultsExitAndNoOtherException() throws AssemblyException {
        Vmcs vmcs = vmcsAfterARun(new ShadowPagingTechnique());

        int proc = vmcs.read(VmcsField.PROCESSOR_BASED_CONTROLS);
        assertThat(proc & VmxControls.PROC_CR3_LOAD_EXITING).isNotZero();
        assertThat(proc & VmxControls.PROC_CR3_STORE_EXITING).isNotZero();
        assertThat(proc & VmxControls.PROC_INVLPG_EXITING).isNotZero();
        assertThat(vmcs.read(VmcsField.EXCEPTION_BITMAP)).as("the guest's other exceptions are its own")
                .isEqualTo(1 << org.vmlab.machine.isa.Vector.PAGE_FAULT);
        assertCommonControls(vmcs);
    }

    @Test
    void underIdentityPagingOnlyPageFaultsExitOfTheMemoryOnes() throws AssemblyException {
        Vmcs vmcs = vmcsAfterARun(new IdentityPagingTechnique());

        int proc = vmcs.read(VmcsField.PROCESSOR_BASED_CONTROLS);
        assertThat(proc & (VmxControls.PROC_CR3_LOAD_EXITING | VmxControls.PROC_CR3_STORE_EXITING
                | VmxControls.PROC_INVLPG_EXITING)).isZero();
        assertThat(vmcs.read(VmcsField.EXCEPTION_BITMAP)).isEqualTo(1 << Vector.PAGE_FAULT);
        assertCommonControls(vmcs);
    }

    private static void assertCommonControls(Vmcs vmcs) {
        int proc = vmcs.read(VmcsField.PROCESSOR_BASED_CONTROLS);
        assertThat(proc & VmxControls.PROC_HLT_EXITING).isNotZero();
        assertThat(proc & VmxControls.PROC_UNCONDITIONAL_IO_EXITING).isNotZero();
        assertThat(vmcs.read(VmcsField.PIN_BASED_CONTROLS)).isEqualTo(VmxControls.PIN_EXTERNAL_INTERRUPT_EXITING
                | VmxControls.PIN_ACTIVATE_PREEMPTION_TIMER);
        assertThat(vmcs.read(VmcsField.CR0_GUEST_HOST_MASK)).as("every cr0 change exits").isEqualTo(-1);
    }
}
