package org.vmlab.labs.lab1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.labs.GuestRuns.assertRunsLikeBareMetal;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.grader.Graded;
import org.vmlab.grader.Visibility;
import org.vmlab.guests.Attack;
import org.vmlab.guests.AttackSetup;
import org.vmlab.guests.Attacks;
import org.vmlab.guests.Nanobench;
import org.vmlab.guests.Nanobenchmark;
import org.vmlab.labs.GuestRuns;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Registers;
import org.vmlab.memory.identity.IdentityPaging;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.VirtualMachine;

/** Lab 1, trap-and-emulate: the hidden graded tests. */
class Lab1HiddenTest {

    @Test
    @Graded(points = 2, number = "1.6", name = "a guest that turns interrupts off for real stays contained",
            visibility = Visibility.HIDDEN)
    void interruptsOffIsContained() {
        for (Attack attack : List.of(Attack.INTERRUPTS_OFF, Attack.PIC_MASK)) {
            VirtualMachine vm = GuestRuns.vm(Attacks.image(attack, AttackSetup.DEFAULT), IsaVariant.CLASSIC,
                    Lab1Test.trapAndEmulate(), new IdentityPaging(), 300_000);
            RunResult run = vm.run();

            assertThat(run.stopReason()).as(attack.id() + ": the VMM stops the spinning guest by its fuel")
                    .isEqualTo(StopReason.FUEL_EXHAUSTED);
            assertThat(vm.counters().exits(Exit.Timer.KIND))
                    .as(attack.id() + ": the VMM's timer took control back while the guest spun").isPositive();
            assertThat(vm.host().cpu().flags() & Registers.FLAG_IF)
                    .as(attack.id() + ": the real IF stays on (the guest's cli is virtual)").isNotZero();
            assertThat(vm.host().pic().mask())
                    .as(attack.id() + ": the real interrupt controller is untouched (the guest's out is emulated)")
                    .isZero();
        }
    }

    @Test
    @Graded(points = 2, number = "1.7", name = "kernels that read ports, write cr4, update PTEs, call and return",
            visibility = Visibility.HIDDEN)
    void moreKernels() {
        for (Nanobenchmark bench : List.of(Nanobenchmark.IN, Nanobenchmark.CR_WRITE, Nanobenchmark.PTEMOD,
                Nanobenchmark.CALL_RET)) {
            assertRunsLikeBareMetal(Nanobench.image(bench, 20), IsaVariant.CLASSIC,
                    Lab1Test::trapAndEmulate, IdentityPaging::new);
        }
    }
}
