package org.vmlab.labs.lab1;

import static org.vmlab.labs.GuestRuns.assertEveryToyosWorkloadRunsLikeBareMetal;
import static org.vmlab.labs.GuestRuns.assertRunsLikeBareMetal;
import static org.vmlab.labs.GuestRuns.program;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.cpu.trapemulate.TrapAndEmulate;
import org.vmlab.grader.Checkpoints;
import org.vmlab.grader.Graded;
import org.vmlab.guests.Nanobench;
import org.vmlab.guests.Nanobenchmark;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.memory.identity.IdentityPaging;
import org.vmlab.vmm.CpuVirtualization;

/**
 * Lab 1, trap-and-emulate: the visible graded tests. Each runs a guest on bare metal and under
 * your VMM (your handler and emulator, on the classic ISA, memory by identity paging) and compares,
 * instruction by instruction for the small programs.
 */
class Lab1Test {
    static CpuVirtualization trapAndEmulate() {
        return new TrapAndEmulate(new TrapAndEmulateHandler(new PrivilegedInstructionEmulator()));
    }

    @Test
    @Graded(points = 3, number = "1.1", name = "cli, sti, pushf and popf: the virtual IF")
    void interruptFlag() {
        assertRunsLikeBareMetal(program("org/vmlab/labs/lab1/flags.s"), IsaVariant.CLASSIC,
                Lab1Test::trapAndEmulate, IdentityPaging::new);
    }

    @Test
    @Graded(points = 3, number = "1.2", name = "smsw, sidt, lidt, mfcr, mtcr: the virtual privileged state")
    void privilegedState() {
        assertRunsLikeBareMetal(program("org/vmlab/labs/lab1/control.s"), IsaVariant.CLASSIC,
                Lab1Test::trapAndEmulate, IdentityPaging::new);
    }

    @Test
    @Graded(points = 3, number = "1.3", name = "system calls, page faults and divide errors reflected into the guest")
    void reflection(Checkpoints checkpoints) {
        List<String> failures = new ArrayList<>();
        for (Nanobenchmark bench : List.of(Nanobenchmark.SYSCALL, Nanobenchmark.PGFAULT, Nanobenchmark.DIVZERO)) {
            try {
                assertRunsLikeBareMetal(Nanobench.image(bench, 20), IsaVariant.CLASSIC,
                        Lab1Test::trapAndEmulate, IdentityPaging::new);
                checkpoints.reached(bench.id() + " runs like bare metal", 1);
            } catch (AssertionError | RuntimeException e) {
                failures.add(bench.id() + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(String.join("\n", failures));
        }
    }

    @Test
    @Graded(points = 3, number = "1.4", name = "timer interrupts injected at the right instruction; hlt, in, out")
    void interruptsAndDevices() {
        assertRunsLikeBareMetal(program("org/vmlab/labs/lab1/timer.s"), IsaVariant.CLASSIC,
                Lab1Test::trapAndEmulate, IdentityPaging::new);
    }

    @Test
    @Graded(points = 4, number = "1.5", name = "toyos: every workload equivalent to bare metal")
    void toyos(Checkpoints checkpoints) {
        assertEveryToyosWorkloadRunsLikeBareMetal(IsaVariant.CLASSIC, Lab1Test::trapAndEmulate, IdentityPaging::new, checkpoints, 0.4);
    }

    @Test
    @Graded(points = 3, number = "1.8",
            name = "edges: a control register that does not exist, popf and the ring, a faulting popf, the STI shadow, the tick of in, int through a kernel gate")
    void edges() {
        assertRunsLikeBareMetal(program("org/vmlab/labs/lab1/edges.s"), IsaVariant.CLASSIC,
                Lab1Test::trapAndEmulate, IdentityPaging::new);
    }
}
