package org.vmlab.labs.lab3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.labs.GuestRuns.assertRunsLikeBareMetal;
import static org.vmlab.labs.GuestRuns.program;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.grader.Graded;
import org.vmlab.grader.Visibility;
import org.vmlab.guests.Attack;
import org.vmlab.guests.Containment;
import org.vmlab.machine.isa.IsaVariant;

/** Lab 3, shadow page tables: the hidden graded tests. */
class Lab3HiddenTest {
    @Test
    @Graded(points = 3, number = "3.5", name = "hostile guests cannot reach a frame they do not own",
            visibility = Visibility.HIDDEN)
    void hostileGuestsAreContained() {
        for (Attack attack : List.of(Attack.MAP_FOREIGN, Attack.WRITE_PAGETABLE, Attack.READ_VMM,
                Attack.DMA_READ, Attack.DMA_WRITE)) {
            Containment.Verdict verdict = Containment.check(attack, IsaVariant.CLASSIC,
                    Lab3Test::trapAndEmulate, Lab3Test::shadowPaging);
            assertThat(verdict.contained()).as("%s under your shadow paging, beside a victim VM: %s",
                    attack.id(), verdict.evidence()).isTrue();
        }
    }

    @Test
    @Graded(points = 2, number = "3.6", name = "a kernel that rewrites its page directory and tables",
            visibility = Visibility.HIDDEN)
    void pageDirectoryWrites() {
        assertRunsLikeBareMetal(program("org/vmlab/labs/lab3/pde.s"), IsaVariant.CLASSIC,
                Lab3Test::trapAndEmulate, Lab3Test::shadowPaging);
    }
}
