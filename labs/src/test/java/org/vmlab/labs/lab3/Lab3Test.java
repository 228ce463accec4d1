package org.vmlab.labs.lab3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.labs.GuestRuns.assertEveryToyosWorkloadRunsLikeBareMetal;
import static org.vmlab.labs.GuestRuns.assertRunsLikeBareMetal;
import static org.vmlab.labs.GuestRuns.program;

import org.junit.jupiter.api.Test;
import org.vmlab.cpu.trapemulate.TrapAndEmulate;
import org.vmlab.grader.Checkpoints;
import org.vmlab.grader.Graded;
import org.vmlab.guests.Nanobench;
import org.vmlab.guests.Nanobenchmark;
import org.vmlab.labs.GuestRuns;
import org.vmlab.labs.lab1.PrivilegedInstructionEmulator;
import org.vmlab.labs.lab1.TrapAndEmulateHandler;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.memory.shadow.ShadowPaging;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.MemoryVirtualization;
import org.vmlab.vmm.VirtualMachine;

/**
 * Lab 3, shadow page tables: the visible graded tests. The guests run under your shadow paging,
 * on your Lab 1 trap-and-emulate (classic ISA), beside bare metal.
 */
class Lab3Test {
    static CpuVirtualization trapAndEmulate() {
        return new TrapAndEmulate(new TrapAndEmulateHandler(new PrivilegedInstructionEmulator()));
    }

    static MemoryVirtualization shadowPaging() {
        return new ShadowPaging(new ShadowPagingRules());
    }

    @Test
    @Graded(points = 3, number = "3.1", name = "hidden faults fill the shadow: a kernel with paging on")
    void hiddenFaults() {
        Image timer = program("org/vmlab/labs/lab1/timer.s");
        assertRunsLikeBareMetal(timer, IsaVariant.CLASSIC, Lab3Test::trapAndEmulate, Lab3Test::shadowPaging);
        VirtualMachine vm = GuestRuns.vm(timer, IsaVariant.CLASSIC, trapAndEmulate(), shadowPaging(),
                GuestRuns.PROGRAM_FUEL);
        vm.run();
        assertThat(vm.counters().named("shadow.hidden_faults"))
                .as("the shadow starts empty: its entries are filled on hidden faults").isPositive();
    }

    @Test
    @Graded(points = 3, number = "3.2", name = "true faults reach the guest, with its error code and cr2")
    void trueFaults() {
        assertRunsLikeBareMetal(Nanobench.image(Nanobenchmark.PGFAULT, 20), IsaVariant.CLASSIC,
                Lab3Test::trapAndEmulate, Lab3Test::shadowPaging);
    }

    @Test
    @Graded(points = 3, number = "3.3", name = "writes to the guest's page tables are traced, and the shadow follows")
    void traces() {
        Image ptemod = Nanobench.image(Nanobenchmark.PTEMOD, 20);
        assertRunsLikeBareMetal(ptemod, IsaVariant.CLASSIC, Lab3Test::trapAndEmulate, Lab3Test::shadowPaging);
        VirtualMachine vm = GuestRuns.vm(ptemod, IsaVariant.CLASSIC, trapAndEmulate(), shadowPaging(),
                GuestRuns.PROGRAM_FUEL);
        vm.run();
        assertThat(vm.counters().named("shadow.traces"))
                .as("every write to a page table the shadow was built from must trap and be traced").isPositive();
    }

    @Test
    @Graded(points = 4, number = "3.4", name = "toyos: every workload equivalent to bare metal under shadow paging")
    void toyos(Checkpoints checkpoints) {
        assertEveryToyosWorkloadRunsLikeBareMetal(IsaVariant.CLASSIC, Lab3Test::trapAndEmulate, Lab3Test::shadowPaging, checkpoints, 0.4);
    }

    @Test
    @Graded(points = 3, number = "3.7",
            name = "protection: the guest's user/supervisor and read-only bits, its error codes, cr0.WP")
    void protection() {
        assertRunsLikeBareMetal(program("org/vmlab/labs/lab3/protection.s"), IsaVariant.CLASSIC,
                Lab3Test::trapAndEmulate, Lab3Test::shadowPaging);
    }
}
