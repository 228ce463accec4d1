package org.vmlab.cpu.outside;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vmlab.cpu.TinyVm;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.VirtualMachine;

/**
 * A technique plugs in without a change to the VMM core: {@link DoorbellTechnique}, defined in
 * this test source set, brings its own cost event, exit kind and handler, and hypercalls, and
 * runs a guest whose kernel uses all three.
 */
class ATechniqueFromOutsideTheCoreTest {
    private static final String GUEST = """
                li r1, 1
                li r2, 40
                li r3, 2
                int 0x82          ; add(40, 2)
                mov r5, r1
                li r1, 99
                int 0x82          ; no such hypercall
                mov r6, r1
                li r1, 7
                int 0x83          ; ring the doorbell with 7
                li r1, 8
                int 0x83
                li r1, 2
                li r2, 0
                int 0x82          ; shutdown(0)
                li r7, 1          ; never runs
            """;

    private final DoorbellTechnique technique = new DoorbellTechnique();

    private VirtualMachine run() {
        VirtualMachine vm = TinyVm.withKernel(IsaVariant.CLASSIC, technique, GUEST);
        vm.switchOut();
        vm.run();
        return vm;
    }

    @Test
    void itsHypercallsReturnTheirResultInR1AndAnUnknownNumberIsEnosys() {
        VirtualMachine vm = run();

        assertThat(vm.vcpu().register(5)).isEqualTo(42);
        assertThat(vm.vcpu().register(6)).isEqualTo(DoorbellTechnique.enosys()).isEqualTo(-38);
    }

    @Test
    void itsOwnExitReachesItsOwnHandler() {
        VirtualMachine vm = run();

        assertThat(technique.rung).containsExactly(7, 8);
        assertThat(vm.counters().exits("doorbell")).isEqualTo(2);
        assertThat(vm.counters().exits(Exit.Hypercall.KIND)).isEqualTo(3);
    }

    @Test
    void itsOwnEventIsCountedAndCharged() {
        VirtualMachine vm = run();

        assertThat(vm.events()).contains(DoorbellTechnique.DOORBELL);
        assertThat(vm.counters().events(DoorbellTechnique.DOORBELL)).isEqualTo(2);
        assertThat(vm.counters().cycles()).isGreaterThanOrEqualTo(2 * 777);
        assertThat(vm.result().counters()).containsEntry("vmm.doorbell", 2L).containsEntry("exit.doorbell", 2L);
    }

    @Test
    void theGuestRanToItsShutdownHypercallWithEveryInstructionCounted() {
        VirtualMachine vm = run();
        RunResult result = vm.result();

        assertThat(result.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(result.stopDetail()).isEqualTo("the guest shut down with code 0");
        assertThat(vm.vcpu().register(7)).as("shutdown does not return").isZero();
        assertThat(result.instructions()).as("every line up to the shutdown, each once (li is two)")
                .isEqualTo(15 + 8);
    }

    @Test
    void anExitNobodyHandlesStopsTheVmAndNamesIt() {
        VirtualMachine vm = TinyVm.withKernel(IsaVariant.CLASSIC, new DoorbellTechnique(), "    int 0x30\n");
        vm.switchOut();

        vm.run();

        assertThat(vm.vcpu().stopReason()).isEqualTo(StopReason.MONITOR_ERROR);
        assertThat(vm.vcpu().stopDetail()).contains("no handler for the exit software_interrupt")
                .contains("SoftwareInterrupt");
    }

    @Test
    void aHypercallNumberTakenTwiceIsRefused() {
        VirtualMachine vm = TinyVm.withKernel(IsaVariant.CLASSIC, technique, "    nop\n");

        assertThatThrownBy(() -> vm.hypercalls().register(DoorbellTechnique.HYPERVISOR_ADD, "other", "test",
                (v, args) -> 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("test registers hypercall 1 (other), but it is add of doorbell");
    }
}
