package org.vmlab.labs.lab3;

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
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/** Lab 3, shadow page tables: the hidden graded tests. */
class Lab3HiddenTest {
    /** A secret in the victim VM's guest memory, at the address the attacks look for beyond their own. */
    private static final int VICTIM_SECRET = 0x0010_0000;

    @Test
    @Graded(points = 3, number = "3.5", name = "hostile guests cannot reach a frame they do not own",
            visibility = Visibility.HIDDEN)
    void hostileGuestsAreContained() {
        for (Attack attack : List.of(Attack.MAP_FOREIGN, Attack.WRITE_PAGETABLE, Attack.READ_VMM,
                Attack.DMA_READ, Attack.DMA_WRITE)) {
            Hypervisor vmm = new Hypervisor(MachineConfig.builder().memoryBytes(AttackSetup.DEFAULT.machineEnd())
                    .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
            VirtualMachine attacker = vmm.create(VmConfig.named("attacker").withFuel(Attacks.FUEL),
                    Lab3Test.trapAndEmulate(), Lab3Test.shadowPaging());
            VirtualMachine victim = vmm.create(VmConfig.named("victim").withFuel(Attacks.FUEL),
                    Lab3Test.trapAndEmulate(), Lab3Test.shadowPaging());
            attacker.load(Attacks.image(attack, AttackSetup.DEFAULT));
            byte[] secret = secretBytes();
            victim.memory().write(VICTIM_SECRET, secret);

            RunResult run = attacker.run();

            assertThat(attack.outcome(run)).as("%s under your shadow paging: %s", attack.id(),
                    attack.report(run.console()).orElse(run.stopReason() + " without a report"))
                    .isNotEqualTo(Attack.Outcome.SUCCEEDED);
            assertThat(victim.memory().read(VICTIM_SECRET, secret.length))
                    .as("%s: the victim's secret is untouched", attack.id()).isEqualTo(secret);
        }
    }

    private static byte[] secretBytes() {
        byte[] bytes = new byte[4 * Attacks.SECRET_WORDS];
        org.vmlab.machine.memory.PhysicalMemory scratch = new org.vmlab.machine.memory.PhysicalMemory(4096);
        Attacks.plantSecret(scratch, 0);
        System.arraycopy(scratch.read(0, bytes.length), 0, bytes, 0, bytes.length);
        return bytes;
    }

    @Test
    @Graded(points = 2, number = "3.6", name = "a kernel that rewrites its page directory and tables",
            visibility = Visibility.HIDDEN)
    void pageDirectoryWrites() {
        assertRunsLikeBareMetal(program("org/vmlab/labs/lab3/pde.s"), IsaVariant.CLASSIC,
                Lab3Test::trapAndEmulate, Lab3Test::shadowPaging);
    }
}
