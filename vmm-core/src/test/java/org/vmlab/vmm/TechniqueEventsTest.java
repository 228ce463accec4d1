package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.device.DeviceConfig;

/**
 * A technique brings its own events: the VM lists them after the core's, charges them at their
 * own default cost, and refuses a technique whose event takes a name already taken.
 */
class TechniqueEventsTest {
    private static final int MEMORY = 256 << 10;

    private enum Paravirtual implements VmmEvent {
        HYPERCALL(400), MULTICALL(450);

        private final int cycles;

        Paravirtual(int cycles) {
            this.cycles = cycles;
        }

        @Override
        public int defaultCycles() {
            return cycles;
        }

        @Override
        public String source() {
            return "estimate: for this test";
        }
    }

    /** An event that claims a name of the core's. */
    private enum Impostor implements VmmEvent {
        REFLECTION;

        @Override
        public int defaultCycles() {
            return 1;
        }

        @Override
        public String source() {
            return "estimate: for this test";
        }
    }

    /** Runs as {@link DirectCpu}, declaring {@code events}. */
    private static final class Declaring extends OnDirectCpu {
        private final List<VmmEvent> declared;

        Declaring(List<VmmEvent> declared) {
            this.declared = declared;
        }

        @Override
        public String name() {
            return "declaring";
        }

        @Override
        public List<VmmEvent> events() {
            return declared;
        }
    }

    private static VirtualMachine vm(CpuVirtualization cpu) {
        Hypervisor hypervisor = new Hypervisor(MachineConfig.builder().memoryBytes(MEMORY).build(),
                VmmCostModel.DEFAULT);
        return hypervisor.create(new VmConfig("guest", MEMORY, MEMORY / 4096, 1000, DeviceConfig.defaults()),
                cpu, new IdentityMemory());
    }

    @Test
    void aVmListsTheCoresEventsThenItsTechniquesAndChargesThemAtTheirOwnCost() {
        VirtualMachine vm = vm(new Declaring(List.of(Paravirtual.values())));

        assertThat(vm.events()).startsWith(CoreEvent.ALL.toArray(VmmEvent[]::new)).endsWith(Paravirtual.HYPERCALL, Paravirtual.MULTICALL);
        vm.counters().event(Paravirtual.MULTICALL);
        assertThat(vm.counters().cycles()).isEqualTo(450);
    }

    @Test
    void anEventUnderANameAlreadyTakenIsRefusedWhenTheVmIsMade() {
        assertThatThrownBy(() -> vm(new Declaring(List.of(Impostor.REFLECTION))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("two events are named REFLECTION: the VMM core's and ");
    }
}
