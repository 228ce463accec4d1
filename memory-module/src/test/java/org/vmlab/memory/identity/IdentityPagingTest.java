package org.vmlab.memory.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vmlab.asm.Assembler;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.Trap;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.device.NetworkInterface;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Pte;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.PageFaultOutcome;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * Identity paging, which is no memory virtualization: the VM's guest-physical memory is the
 * machine's, frame for frame, and the real MMU walks the guest's own tables. Only device
 * registers stay the VMM's.
 */
class IdentityPagingTest {
    private static final int MEMORY = 64 << 10;
    private static final int PGDIR = 0x8000;
    private static final int PGTABLE = 0x9000;

    private final IdentityPaging paging = new IdentityPaging();

    private static VirtualMachine vm(int machineBytes, int vmBytes, IdentityPaging paging, CpuVirtualization cpu) {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().memoryBytes(machineBytes).fuel(Long.MAX_VALUE).build(),
                VmmCostModel.DEFAULT);
        return vmm.create(new VmConfig("whole", vmBytes, vmBytes >> 12, 10_000, DeviceConfig.defaults()), cpu, paging);
    }

    /** A VM switched in, as the VMM's loop has it when a page fault reaches memory virtualization. */
    private VirtualMachine vm() {
        VirtualMachine vm = vm(MEMORY, MEMORY, paging, null);
        vm.switchIn();
        return vm;
    }

    @Test
    void itSaysItOwnsTheMachineAsShadowPagingDoesNot() {
        assertThat(new IdentityPaging().ownsTheMachine()).isTrue();
        assertThat(new IdentityPagingTechnique().ownsTheMachine()).isTrue();
        assertThat(new org.vmlab.memory.shadow.ShadowPaging(null).ownsTheMachine()).isFalse();
    }

    @Test
    void underHardwareAssistanceTheGuestsCr3AndInvlpgNeedNotExitButItsPageFaultsDo() {
        assertThat(new IdentityPaging().needsAddressSpaceExits()).isFalse();
        assertThat(new IdentityPaging().needsPageFaultExits()).as("device windows").isTrue();
        assertThat(new org.vmlab.memory.shadow.ShadowPaging(null).needsAddressSpaceExits()).isTrue();
    }

    @Test
    void theMachineMayHaveOnePageMoreForTheVmmsOwnVmcs() {
        VirtualMachine vm = vm(MEMORY + IdentityPaging.VMM_BYTES, MEMORY, new IdentityPaging(), null);

        assertThat(vm.memory().machineFrames().freeFrames()).isEqualTo(1);
    }

    @Test
    void itRefusesAVmSmallerThanTheMachineSayingWhy() {
        assertThatThrownBy(() -> vm(128 << 10, MEMORY, new IdentityPaging(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the machine has 128 KiB")
                .hasMessageContaining("the VM 64 KiB")
                .hasMessageContaining("make them equal");
    }

    @Test
    void everyGuestFrameIsTheMachineFrameOfTheSameNumberOwnedByTheVm() {
        VirtualMachine vm = vm();

        for (int gfn = 0; gfn < MEMORY >> 12; gfn++) {
            assertThat(vm.memory().machineFrame(gfn)).isEqualTo(gfn);
            assertThat(vm.memory().owns(gfn)).isTrue();
        }
        assertThat(vm.memory().framesInUse()).isEqualTo(MEMORY >> 12);
    }

    @Test
    void aGuestPhysicalAddressIsTheMachineAddress() {
        VirtualMachine vm = vm();

        vm.memory().writeWord(0x5678 & ~3, 0xCAFE);

        assertThat(vm.host().memory().readWord(0x5678 & ~3)).isEqualTo(0xCAFE);
    }

    @Test
    void theRealMmuFollowsTheGuestsOwnControlRegisters() {
        VirtualMachine vm = vm();
        vm.vcpu().setControlRegister(Registers.CR3, PGDIR);
        vm.vcpu().setControlRegister(Registers.CR0, Registers.CR0_PG | Registers.CR0_WP);

        paging.controlRegisterWritten(Registers.CR3);

        assertThat(vm.host().cpu().controlRegister(Registers.CR3)).isEqualTo(PGDIR);
        assertThat(vm.host().cpu().controlRegister(Registers.CR0) & Registers.CR0_PG).isNotZero();
    }

    // --- page faults -------------------------------------------------------------------------------

    private static Exit.PageFault fault(int address, int errorCode) {
        return new Exit.PageFault(0x1000, address, errorCode);
    }

    /**
     * Guest tables: virtual page {@code va} maps guest-physical {@code gpa} with {@code bits};
     * paging on, as the VMM emulated it: the vCPU's registers, then memory virtualization told.
     */
    private void guestMaps(VirtualMachine vm, int va, int gpa, int bits) {
        vm.memory().writeWord(PGDIR + (Pte.directoryIndex(va) << 2), Pte.entry(PGTABLE, Pte.PRESENT | Pte.WRITABLE | Pte.USER));
        vm.memory().writeWord(PGTABLE + (Pte.tableIndex(va) << 2), Pte.entry(gpa, bits));
        vm.vcpu().setControlRegister(Registers.CR3, PGDIR);
        vm.vcpu().setControlRegister(Registers.CR0, Registers.CR0_PG | Registers.CR0_WP);
        paging.controlRegisterWritten(Registers.CR0);
    }

    @Test
    void withPagingOffAnAccessBeyondRamIsADeviceAccessToEmulate() {
        vm();

        assertThat(paging.pageFault(fault(NetworkInterface.BASE, Vector.PF_WRITE | Vector.PF_PRESENT)))
                .isEqualTo(PageFaultOutcome.DEVICE_ACCESS);
    }

    @Test
    void withPagingOnAPageTheGuestMapsToADeviceIsEmulated() {
        VirtualMachine vm = vm();
        guestMaps(vm, 0x0040_0000, NetworkInterface.BASE, Pte.PRESENT | Pte.WRITABLE);

        assertThat(paging.pageFault(fault(0x0040_0004, Vector.PF_PRESENT)))
                .isEqualTo(PageFaultOutcome.DEVICE_ACCESS);
    }

    @Test
    void aPageTheGuestDoesNotMapIsTheGuestsOwnFault() {
        VirtualMachine vm = vm();
        guestMaps(vm, 0x0040_0000, 0x3000, Pte.PRESENT);

        PageFaultOutcome outcome = paging.pageFault(fault(0x0080_0010, 0));

        assertThat(outcome).isInstanceOfSatisfying(PageFaultOutcome.GuestFault.class, g -> {
            assertThat(g.fault().vector()).isEqualTo(Vector.PAGE_FAULT);
            assertThat(g.fault().address()).isEqualTo(0x0080_0010);
            assertThat(g.fault().errorCode() & Vector.PF_PRESENT).as("not present").isZero();
        });
    }

    @Test
    void aWriteToAPageTheGuestMappedReadOnlyIsTheGuestsOwnFault() {
        VirtualMachine vm = vm();
        guestMaps(vm, 0x0040_0000, 0x3000, Pte.PRESENT);

        PageFaultOutcome outcome = paging.pageFault(fault(0x0040_0000, Vector.PF_WRITE | Vector.PF_PRESENT));

        assertThat(outcome).isInstanceOfSatisfying(PageFaultOutcome.GuestFault.class, g ->
                assertThat(g.fault().errorCode()).isEqualTo(Vector.PF_WRITE | Vector.PF_PRESENT));
    }

    @Test
    void aFaultTheGuestsTablesNowAllowCameFromAStaleTlbEntryAndIsTheGuestsAsItCame() {
        VirtualMachine vm = vm();
        guestMaps(vm, 0x0040_0000, 0x3000, Pte.PRESENT | Pte.WRITABLE);

        PageFaultOutcome outcome = paging.pageFault(fault(0x0040_0000,
                Vector.PF_WRITE | Vector.PF_PRESENT));

        assertThat(outcome).as("bare metal, with the same stale entry, faults the same way")
                .isInstanceOfSatisfying(PageFaultOutcome.GuestFault.class, g -> {
                    assertThat(g.fault().errorCode()).isEqualTo(Vector.PF_WRITE | Vector.PF_PRESENT);
                    assertThat(g.fault().address()).isEqualTo(0x0040_0000);
                });
    }

    @Test
    void aFaultAfterAControlRegisterWriteTheVmmDidNotFollowStopsTheVmNamingTheMissingCall() {
        VirtualMachine vm = vm();
        guestMaps(vm, 0x0040_0000, 0x3000, Pte.PRESENT | Pte.WRITABLE);
        vm.vcpu().setControlRegister(Registers.CR3, PGTABLE);   // emulated, but memory virtualization not told

        PageFaultOutcome outcome = paging.pageFault(fault(0x0040_0000, Vector.PF_PRESENT));

        assertThat(outcome).as("nothing reflected into the guest").isEqualTo(PageFaultOutcome.FIXED);
        assertThat(vm.vcpu().stopReason()).isEqualTo(StopReason.MONITOR_ERROR);
        assertThat(vm.vcpu().stopDetail()).contains("the guest's cr3 is 0x00009000 but the real MMU's is still 0x00008000")
                .contains("controlRegisterWritten(3)");
    }

    // --- a device access, end to end -------------------------------------------------------------

    @Test
    void aGuestsDeviceAccessFaultsOnTheRealMmuAndIsEmulatedOnItsVirtualDevice() throws Exception {
        VirtualMachine vm = vm(MEMORY, MEMORY, paging, new RunUntilNotAPageFault());
        vm.load(Assembler.assembleSource("""
                    .segment kernel, 0x1000
                    .entry start
                start:
                    li r1, %d
                    lw r2, 0(r1)
                    addi r3, r0, 7
                    int 0x30
                """.formatted(NetworkInterface.BASE)));

        vm.run();

        assertThat(vm.vcpu().stopDetail()).as("it went on after the load").contains("software_interrupt");
        assertThat(vm.vcpu().register(3)).isEqualTo(7);
        assertThat(vm.counters().events(CoreEvent.DEVICE_EMULATION)).isEqualTo(1);
        assertThat(vm.counters().exits(Exit.PageFault.KIND)).isEqualTo(1);
    }

    /**
     * The CPU technique's test double: runs the guest directly; a page fault goes to memory
     * virtualization (through the VM's loop), anything else stops the VM.
     */
    private static final class RunUntilNotAPageFault implements CpuVirtualization {
        @Override
        public String name() {
            return "run-until-not-a-page-fault";
        }

        @Override
        public Exit run(VirtualMachine vm, long budget) {
            long before = vm.host().cpu().instructions();
            StopReason stop = vm.host().cpu().run(before + budget);
            vm.vcpu().retireDirectly(vm.host().cpu().instructions() - before);
            if (stop != StopReason.TRAP) {
                return new Exit.Timer(vm.vcpu().pc());
            }
            Trap trap = vm.host().cpu().lastTrap();
            if (trap.vector() == Vector.PAGE_FAULT) {
                return new Exit.PageFault(trap.pc(), trap.address(), trap.errorCode());
            }
            return trap.kind() == Trap.Kind.SOFTWARE_INTERRUPT ? new Exit.SoftwareInterrupt(trap.pc(), trap.vector())
                    : new Exit.GuestException(trap.pc(), trap.vector(), trap.errorCode());
        }

        @Override
        public void attach(VirtualMachine vm) {
            vm.exitHandlers().register(Exit.SoftwareInterrupt.class, name(), RunUntilNotAPageFault::stop);
            vm.exitHandlers().register(Exit.GuestException.class, name(), RunUntilNotAPageFault::stop);
        }

        private static void stop(VirtualMachine vm, Exit exit) {
            vm.vcpu().stop(StopReason.HALT, Exit.describe(exit));
        }
    }
}
