package org.vmlab.cpu.paravirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.vmlab.cpu.TinyVm;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.VirtualMachine;

/**
 * A hostile paravirtual kernel calls the hypervisor with any numbers and arguments: the VMM never
 * throws, never stops the VM for an error of its own, and the VM ends in one of the ways a guest
 * may end.
 */
class HostileHypercallProperties {
    /** One hypercall: its number and five arguments. */
    record Call(int number, List<Integer> args) {
        String assembly() {
            StringBuilder s = new StringBuilder("    li r1, " + number + "\n");
            for (int i = 0; i < args.size(); i++) {
                s.append("    li r").append(i + 2).append(", ").append(args.get(i)).append('\n');
            }
            return s.append("    int 0x82\n").toString();
        }
    }

    @Provide
    Arbitrary<List<Call>> calls() {
        Arbitrary<Integer> number = Arbitraries.oneOf(Arbitraries.of(0, 3, 13, 18, 29, 99, -1),
                Arbitraries.integers());
        Arbitrary<Integer> argument = Arbitraries.oneOf(Arbitraries.integers().between(0, 0x1_0000),
                Arbitraries.of(0, 1, 2, 3, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7FFF_0000),
                Arbitraries.integers());
        Arbitrary<Call> call = Combinators.combine(number, argument.list().ofSize(5)).as(Call::new);
        return call.list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(tries = 150, seed = "20261202")
    void theVmmNeverThrowsAndTheVmEndsAsAGuestMay(@ForAll("calls") List<Call> calls) {
        StringBuilder kernel = new StringBuilder("    li sp, 0x9000\n");
        calls.forEach(c -> kernel.append(c.assembly()));
        kernel.append("    li r1, 29\n    li r2, 2\n    li r3, off\n    int 0x82\noff:\n    .word 0\n");
        VirtualMachine vm = TinyVm.withKernel(IsaVariant.CLASSIC, new Paravirtualization(), kernel.toString());
        vm.switchOut();

        vm.run();

        assertThat(vm.vcpu().stopReason()).as(vm.vcpu().stopDetail())
                .isIn(StopReason.HALT, StopReason.GUEST_ERROR, StopReason.TRIPLE_FAULT, StopReason.FUEL_EXHAUSTED,
                        StopReason.IDLE_FOREVER);
    }
}
