package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.NicPrograms;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.device.NetworkInterface;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;

/**
 * The VMM's loop keeps the guest's time exact: a virtual interrupt reaches the guest before the
 * same instruction as on bare metal, whether a device event made it due or the guest's own store
 * to an (emulated) device register did, and the {@code sti} shadow holds in the VM as on the
 * machine. Checked with {@link Lockstep}, instruction by instruction, and by the guest's own
 * registers.
 */
class VmmExactnessTest {
    private static final int NIC_VECTOR = Vector.IRQ_BASE + NetworkInterface.LINE;

    @Test
    void anInterruptThatAStoreToAnEmulatedDeviceRegisterRaisesIsInjectedBeforeTheNextInstruction() {
        SideBySide sides = SideBySide.of(NicPrograms.imsWrite("", """
                next:   addi r9, r0, 1          ; must not run before the interrupt
                """)).gate(NIC_VECTOR, "nic", 0).interruptsOn();

        Lockstep.Outcome outcome = Lockstep.run(sides.bare, sides.vm);

        assertThat(outcome.divergence()).isEmpty();
        Vcpu vcpu = sides.vm.vcpu();
        assertThat(vcpu.register(6)).as("the frame was sent before IMS was written").isEqualTo(1);
        assertThat(vcpu.register(13)).as("the handler ran").isEqualTo(NIC_VECTOR);
        assertThat(vcpu.register(9)).as("the instruction after the store").isZero();
        assertThat(sides.virtualFrame()[1]).as("interrupted before it").isEqualTo(sides.address("next"));
        assertThat(sides.vm.counters().events(CoreEvent.INJECTION)).isEqualTo(1);
        assertThat(sides.vm.counters().events(CoreEvent.DEVICE_EMULATION))
                .as("every NIC register access trapped and was emulated").isEqualTo(5);
        assertThat(sides.vm.host().devices().frames()).as("the real NIC never saw the guest").isEmpty();
        assertThat(sides.vm.devices().standard().frames()).hasSize(1);
    }

    @Test
    void afterAnEmulatedStiExactlyOneMoreInstructionRunsBeforeAPendingInterrupt() {
        SideBySide sides = SideBySide.of(NicPrograms.imsWrite("", """
                        sti                     ; line 3 is pending: the shadow holds it one instruction
                        addi r7, r0, 1
                second: addi r8, r0, 1
                """)).gate(NIC_VECTOR, "nic", 0);

        Lockstep.Outcome outcome = Lockstep.run(sides.bare, sides.vm);

        assertThat(outcome.divergence()).isEmpty();
        Vcpu vcpu = sides.vm.vcpu();
        assertThat(vcpu.register(13)).isEqualTo(NIC_VECTOR);
        assertThat(vcpu.register(7)).as("the instruction after sti ran").isEqualTo(1);
        assertThat(vcpu.register(8)).as("the one after it did not").isZero();
        assertThat(sides.virtualFrame()[1]).isEqualTo(sides.address("second"));
    }

    @Test
    void runAloneTheVmMatchesBareMetalInItsObservablesItsTicksAndItsDirectlyRunInstructions() {
        SideBySide sides = SideBySide.of(NicPrograms.imsWrite("", "")).gate(NIC_VECTOR, "nic", 0).interruptsOn();

        RunResult bare = sides.runBare();
        RunResult virtual = sides.runVirtual();

        assertThat(Equivalence.compare(bare, virtual).differences()).isEmpty();
        assertThat(virtual.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(virtual.ticks()).isEqualTo(bare.ticks());
        assertThat(virtual.instructions()).isEqualTo(bare.instructions());
        Vcpu vcpu = sides.vm.vcpu();
        assertThat(vcpu.directInstructions()).as("all but the emulated: 5 NIC accesses and the hlt")
                .isEqualTo(vcpu.instructions() - 6);
        assertThat(virtual.counters()).containsEntry("instructions.direct", vcpu.instructions() - 6)
                .containsEntry("exit.page_fault", 5L).containsKey("cycles.vmm");
        assertThat(virtual.cycles()).as("the guest's own cycles plus the VMM's")
                .isEqualTo(virtual.counters().get("cycles.guest") + virtual.counters().get("cycles.vmm"));
        assertThat(vcpu.flags() & Registers.FLAG_IF).as("interrupts off in the handler").isZero();
    }
}
