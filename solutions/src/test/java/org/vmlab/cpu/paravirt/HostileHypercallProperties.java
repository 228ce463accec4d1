package org.vmlab.cpu.paravirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.vmlab.cpu.TinyVm;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.VirtualMachine;

/**
 * A hostile paravirtual kernel calls the hypervisor with any numbers and arguments, event-channel
 * commands on ports it does not own or that do not exist among them, its arguments in a scratch
 * area of any words: the VMM never throws, never stops the VM for an error of its own, the VM
 * ends in one of the ways a guest may end, and the event-channel table stays whole.
 */
class HostileHypercallProperties {
    /** One hypercall: its number and five arguments, each a number or an address in the scratch area. */
    record Call(int number, List<String> args) {
        String assembly() {
            StringBuilder s = new StringBuilder("    li r1, " + number + "\n");
            for (int i = 0; i < args.size(); i++) {
                s.append("    li r").append(i + 2).append(", ").append(args.get(i)).append('\n');
            }
            return s.append("    int 0x82\n").toString();
        }
    }

    /** The hypercalls, their commands and the words of their arguments that matter most. */
    private static Arbitrary<Integer> interesting() {
        return Arbitraries.oneOf(Arbitraries.integers().between(-2, 40),
                Arbitraries.of(0x7FF0, 0x7FEF, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7FFF_0000, 0xFFF8),
                Arbitraries.integers());
    }

    @Provide
    Arbitrary<List<Call>> calls() {
        Arbitrary<Integer> number = Arbitraries.oneOf(Arbitraries.of(0, 3, 4, 13, 15, 17, 18, 23, 29, 32, 99, -1),
                Arbitraries.of(32), Arbitraries.integers());
        Arbitrary<String> argument = Arbitraries.oneOf(interesting().map(String::valueOf),
                Arbitraries.of("scratch", "scratch + 4", "scratch + 8", "scratch + 12", "scratch + 2"));
        Arbitrary<Call> call = Combinators.combine(number, argument.list().ofSize(5)).as(Call::new);
        return Arbitraries.frequencyOf(Tuple.of(1, call), Tuple.of(2, eventChannelCall())).list()
                .ofMinSize(4).ofMaxSize(16);
    }

    /** {@code event_channel_op} with a command, mostly a real one, on an argument in the scratch area. */
    private static Arbitrary<Call> eventChannelCall() {
        Arbitrary<String> command = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(0, 1, 2, 3, 4, 6, 9)),
                Tuple.of(1, interesting())).map(String::valueOf);
        Arbitrary<String> argument = Arbitraries.of(0, 4, 8, 12, 16, 20, 2).map(offset -> "scratch + " + offset);
        return Combinators.combine(command, argument).as((c, a) -> new Call(XenAbi.EVENT_CHANNEL_OP, List.of(c, a)));
    }

    /** Words for arguments: domains, ports, virtual IRQs and lines, and anything. */
    @Provide
    Arbitrary<List<Integer>> scratch() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(XenAbi.DOMID_SELF)),
                Tuple.of(3, Arbitraries.integers().between(0, 5)), Tuple.of(1, interesting())).list().ofSize(8);
    }

    @Property(tries = 200, seed = "20261202", edgeCases = EdgeCasesMode.MIXIN)
    void theVmmNeverThrowsAndTheVmEndsAsAGuestMay(@ForAll("calls") List<Call> calls,
            @ForAll("scratch") List<Integer> scratch) {
        StringBuilder kernel = new StringBuilder("    li sp, 0x9000\n");
        calls.forEach(c -> kernel.append(c.assembly()));
        kernel.append("    li r1, 29\n    li r2, 2\n    li r3, off\n    int 0x82\noff:\n    .word 0\nscratch:\n")
                .append(scratch.stream().map(w -> String.format("    .word 0x%08X", w))
                        .collect(Collectors.joining("\n", "", "\n")));
        Paravirtualization technique = new Paravirtualization(new org.vmlab.labs.lab4.EventChannelDelivery());
        VirtualMachine vm = TinyVm.withKernel(IsaVariant.CLASSIC, technique, kernel.toString());
        vm.switchOut();

        vm.run();

        assertThat(vm.vcpu().stopReason()).as(vm.vcpu().stopDetail())
                .isIn(StopReason.HALT, StopReason.GUEST_ERROR, StopReason.TRIPLE_FAULT, StopReason.FUEL_EXHAUSTED,
                        StopReason.IDLE_FOREVER);
        assertWhole(technique.channels());
    }

    /** Both ends of every channel name each other; a virtual IRQ or a line has one port at most. */
    static void assertWhole(EventChannels channels) {
        for (int port = 1; port < EventChannels.PORTS; port++) {
            EventChannels.Binding binding = channels.binding(port);
            if (binding instanceof EventChannels.Interdomain channel) {
                assertThat(channels.binding(channel.remotePort())).as("the other end of port %d", port)
                        .isEqualTo(new EventChannels.Interdomain(XenAbi.DOMID_SELF, port));
            } else if (binding instanceof EventChannels.Virq virq) {
                assertThat(channels.portOfVirq(virq.virq())).isEqualTo(port);
            } else if (binding instanceof EventChannels.Pirq pirq) {
                assertThat(channels.portOfPirq(pirq.line())).isEqualTo(port);
            }
        }
    }
}
