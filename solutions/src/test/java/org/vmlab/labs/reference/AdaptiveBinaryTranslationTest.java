package org.vmlab.labs.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.guests.Nanobench;
import org.vmlab.guests.Nanobenchmark;
import org.vmlab.labs.GuestRuns;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.memory.shadow.ShadowEvent;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.VirtualMachine;

/**
 * Adaptive binary translation (Adams and Agesen 2006, section 3.2) with the reference rules and
 * shadow paging: a kernel store that keeps writing traced page tables is translated again as a
 * callout, its writes still land exactly as on bare metal, and it is copied again once it writes
 * untraced memory.
 */
class AdaptiveBinaryTranslationTest {
    private static final int THRESHOLD = 4;   // AdaptiveTranslation.THRESHOLD, package-private there

    private static RunResult run(Image image) {
        VirtualMachine vm = GuestRuns.vm(image, IsaVariant.LEGACY, RandomKernelProperties.binaryTranslation(),
                RandomKernelProperties.shadow(), GuestRuns.PROGRAM_FUEL);
        return vm.run();
    }

    private static long counter(RunResult run, String name) {
        return run.counters().getOrDefault(name, 0L);
    }

    @Test
    void ptemodsPageTableStoreTrapsUntilTheThresholdThenCallsOut() {
        int iterations = 40;
        Image image = Nanobench.image(Nanobenchmark.PTEMOD, iterations);

        RunResult run = run(image);

        assertThat(run.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(counter(run, "bt.adaptive_retranslations")).as("the one store, once").isEqualTo(1);
        assertThat(counter(run, "bt.adaptive_callouts")).as("every traced write after the threshold")
                .isEqualTo(counter(run, "shadow.traces") - THRESHOLD);
        assertThat(counter(run, "bt.adaptive_reversions")).isZero();
        assertThat(counter(run, "shadow.traces")).as("one a pass, once the table is traced")
                .isGreaterThanOrEqualTo(iterations - 1);
        GuestRuns.assertRunsLikeBareMetal(image, IsaVariant.LEGACY, RandomKernelProperties::binaryTranslation,
                RandomKernelProperties::shadow);
    }

    @Test
    void aTraceCostsTheTrapOnlyWhenTheWriteTrapped() {
        Image image = Nanobench.image(Nanobenchmark.PTEMOD, 40);
        VirtualMachine vm = GuestRuns.vm(image, IsaVariant.LEGACY, RandomKernelProperties.binaryTranslation(),
                RandomKernelProperties.shadow(), GuestRuns.PROGRAM_FUEL);

        RunResult run = vm.run();

        long traces = vm.counters().events(ShadowEvent.TRACE);
        long adapted = counter(run, "bt.adaptive_callouts");
        assertThat(adapted).isPositive();
        assertThat(vm.counters().events(CoreEvent.TRAP_AND_EMULATE)).as("the trapped traced writes")
                .isEqualTo(traces - adapted);
    }

    @Test
    void aStoreThatGoesOnToWriteUntracedMemoryIsCopiedAgainAndStillWritesExactly() {
        // The remap builds a shadow entry from PT_USER, which is traced from then on; the loop's
        // store writes its entries 8 times (4 traps, then 4 adaptive callouts), then kernel data
        // 6 times (4 untraced writes through the callout, then copied again: 2 run directly).
        RandomKernel kernel = new RandomKernel(true, List.of(new RandomKernel.Remap(2, 3),
                new RandomKernel.PageTableLoop(2, 5, 14, 8)), List.of());

        RunResult run = run(kernel.image());

        assertThat(run.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(counter(run, "bt.adaptive_retranslations")).isEqualTo(1);
        assertThat(counter(run, "bt.adaptive_callouts")).as("4 traced, 4 untraced").isEqualTo(8);
        assertThat(counter(run, "bt.adaptive_reversions")).isEqualTo(1);
        GuestRuns.assertRunsLikeBareMetal(kernel.image(), IsaVariant.LEGACY, RandomKernelProperties::binaryTranslation,
                RandomKernelProperties::shadow);
    }
}
