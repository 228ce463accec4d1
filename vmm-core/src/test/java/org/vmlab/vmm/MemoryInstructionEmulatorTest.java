package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.StopReason;

/**
 * The VMM emulates a guest's load or store itself when the real access faulted for the VMM's own
 * reasons (a page it write-protects, a device it emulates); an instruction there that does not
 * access memory means the VMM lost track of the fault, and it says so instead of throwing.
 */
class MemoryInstructionEmulatorTest {
    private static final String PROGRAM = """
                    .org 0x1000
            load:   lw r1, 0(r2)
            store:  sw r3, 4(r2)
            other:  addi r4, r0, 1
                    hlt
            """;

    @Test
    void aLoadAndAStoreAreEmulatedThroughTheGuestsMemoryAndRetired() {
        SideBySide sides = SideBySide.of(PROGRAM).register(2, 0x4000).register(3, 0x77).word(0x4000, 0x1234);
        VirtualMachine vm = sides.vm;

        MemoryInstructionEmulator.emulate(vm);
        MemoryInstructionEmulator.emulate(vm);

        assertThat(vm.vcpu().register(1)).isEqualTo(0x1234);
        assertThat(vm.memory().readWord(0x4004)).isEqualTo(0x77);
        assertThat(vm.vcpu().pc()).isEqualTo(sides.address("other"));
        assertThat(vm.vcpu().instructions()).isEqualTo(2);
        assertThat(vm.vcpu().stopped()).isFalse();
    }

    @Test
    void anInstructionThatDoesNotAccessMemoryStopsTheVmAsTheMonitorsErrorNeverAnException() {
        SideBySide sides = SideBySide.of(PROGRAM);
        VirtualMachine vm = sides.vm;
        vm.vcpu().setPc(sides.address("other"));

        MemoryInstructionEmulator.emulate(vm);

        assertThat(vm.vcpu().stopReason()).isEqualTo(StopReason.MONITOR_ERROR);
        assertThat(vm.vcpu().stopDetail()).isEqualTo("a page fault at pc=0x00001008 was to be emulated,"
                + " but ADDI there does not access memory");
        assertThat(vm.vcpu().instructions()).as("nothing retired").isZero();
    }
}
