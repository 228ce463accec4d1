package org.vmlab.labs.lab2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.labs.GuestRuns.assertRunsLikeBareMetal;
import static org.vmlab.labs.GuestRuns.program;

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

/** Lab 2, binary translation: the hidden graded tests. */
class Lab2HiddenTest {

    @Test
    @Graded(points = 2, number = "2.6", name = "kernel code that rewrites itself is translated again",
            visibility = Visibility.HIDDEN)
    void selfModifyingCode() {
        assertRunsLikeBareMetal(program("org/vmlab/labs/lab2/smc.s"), IsaVariant.LEGACY,
                Lab2Test::binaryTranslation, IdentityPaging::new);
    }

    @Test
    @Graded(points = 2, number = "2.7", name = "the nanobenchmark kernels, translated, run like bare metal",
            visibility = Visibility.HIDDEN)
    void nanobenchmarks() {
        for (Nanobenchmark bench : Nanobenchmark.all()) {
            assertRunsLikeBareMetal(Nanobench.image(bench, 20), IsaVariant.LEGACY,
                    Lab2Test::binaryTranslation, IdentityPaging::new);
        }
    }

    @Test
    @Graded(points = 2, number = "2.8", name = "a guest that turns interrupts off for real stays contained, translated",
            visibility = Visibility.HIDDEN)
    void interruptsOffIsContained() {
        for (Attack attack : List.of(Attack.INTERRUPTS_OFF, Attack.PIC_MASK)) {
            VirtualMachine vm = GuestRuns.vm(Attacks.image(attack, AttackSetup.DEFAULT), IsaVariant.LEGACY,
                    Lab2Test.binaryTranslation(), new IdentityPaging(), 300_000);
            RunResult run = vm.run();

            assertThat(run.stopReason()).as(attack.id() + ": the VMM stops the spinning guest by its fuel ("
                    + run.console().strip() + ")").isEqualTo(StopReason.FUEL_EXHAUSTED);
            assertThat(vm.counters().exits(Exit.Timer.KIND))
                    .as(attack.id() + ": the VMM's timer took control back while the guest spun").isPositive();
            assertThat(vm.host().cpu().flags() & Registers.FLAG_IF)
                    .as(attack.id() + ": the real IF stays on (the guest's cli is emulated)").isNotZero();
            assertThat(vm.host().pic().mask())
                    .as(attack.id() + ": the real interrupt controller is untouched").isZero();
        }
    }
}
