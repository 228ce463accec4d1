package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.NicPrograms;
import org.vmlab.machine.device.NetworkInterface;
import org.vmlab.machine.isa.Vector;

/**
 * A virtual interrupt reaches the guest through the CPU technique's injection hook, whose default
 * delivers it through the guest's interrupt table as its hardware would.
 */
class InjectionTest {
    private static final int NIC_VECTOR = Vector.IRQ_BASE + NetworkInterface.LINE;

    /** Runs as {@link DirectCpu}, and records each injection before delivering it the default way. */
    private static final class Recording extends OnDirectCpu {
        private final List<Integer> injected;

        Recording(List<Integer> injected) {
            this.injected = injected;
        }

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void inject(VirtualMachine vm, int vector) {
            injected.add(vector);
            super.inject(vm, vector);
        }
    }

    @Test
    void theTechniqueIsAskedToInjectAndTheDefaultEntersTheGuestsHandler() {
        List<Integer> injected = new ArrayList<>();
        SideBySide sides = new SideBySide(NicPrograms.imsWrite("", """
                next:   addi r9, r0, 1
                """), new Recording(injected), 100_000).gate(NIC_VECTOR, "nic", 0).interruptsOn();

        Lockstep.Outcome outcome = Lockstep.run(sides.bare, sides.vm);

        assertThat(outcome.divergence()).isEmpty();
        assertThat(injected).containsExactly(NIC_VECTOR);
        assertThat(sides.vm.vcpu().register(13)).as("the guest's handler ran").isEqualTo(NIC_VECTOR);
    }
}
