package org.vmlab.labs.lab2;

import static org.vmlab.labs.GuestRuns.assertRunsLikeBareMetal;
import static org.vmlab.labs.GuestRuns.program;

import org.junit.jupiter.api.Test;
import org.vmlab.grader.Graded;
import org.vmlab.grader.Visibility;
import org.vmlab.guests.Nanobench;
import org.vmlab.guests.Nanobenchmark;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.memory.direct.DirectPaging;

/** Lab 2, binary translation: the hidden graded tests. */
class Lab2HiddenTest {

    @Test
    @Graded(points = 2, number = "2.6", name = "kernel code that rewrites itself is translated again",
            visibility = Visibility.HIDDEN)
    void selfModifyingCode() {
        assertRunsLikeBareMetal(program("org/vmlab/labs/lab2/smc.s"), IsaVariant.LEGACY,
                Lab2Test::binaryTranslation, DirectPaging::new);
    }

    @Test
    @Graded(points = 2, number = "2.7", name = "the nanobenchmark kernels, translated, run like bare metal",
            visibility = Visibility.HIDDEN)
    void nanobenchmarks() {
        for (Nanobenchmark bench : Nanobenchmark.all()) {
            assertRunsLikeBareMetal(Nanobench.image(bench, 20), IsaVariant.LEGACY,
                    Lab2Test::binaryTranslation, DirectPaging::new);
        }
    }
}
