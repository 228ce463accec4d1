package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.vmlab.cli.VmlabTest.vmlab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmlab.cli.VmlabTest.Outcome;
import org.vmlab.guests.Toyos;

/**
 * The commands that run the VMM, on the reference solutions: they need the instructors'
 * repository (in a student's, the VMM runs the student's labs, and {@link VmlabTest} checks that
 * it says which one is not written yet).
 */
class VmmCommandsTest {

    @BeforeAll
    static void onlyWhereTheReferenceSolutionsAre() {
        assumeTrue(Files.isDirectory(Home.root().resolve("solutions/src")), "the instructors' repository");
    }

    @Test
    void demoRunsEveryWorkloadOnBareMetalAndUnderEachTechnique() {
        Outcome o = vmlab("demo");

        assertThat(o.exitCode()).isZero();
        for (String workload : Toyos.workloads()) {
            assertThat(o.out()).containsPattern("(?m)^" + workload
                    + " +ok .*x +[0-9.]+% equivalent .*x +[0-9.]+% equivalent .*x +[0-9.]+% DIVERGED$");
        }
        assertThat(o.out()).contains("every technique behaved as the lecture says");
    }

    @Test
    void runUnderTheVmmComparesWithBareMetal() {
        Outcome o = vmlab("run", "toyos", "-w", "syscall", "--cpu", "trap-emulate", "--mem", "direct");

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).contains("syscall: 10000 getpid calls returned pid 2",
                "trap-emulate + direct on classic", "equivalent to bare metal", "slowdown");
    }

    @Test
    void lockstepNamesTheFirstDivergentInstruction() {
        Outcome o = vmlab("run", "toyos", "-w", "disk", "--cpu", "trap-emulate", "--isa", "legacy", "--lockstep");

        assertThat(o.exitCode()).isEqualTo(VirtualizedRun.DIVERGED);
        assertThat(o.out()).containsPattern("diverged from bare metal at instruction [0-9,]+, pc=0x[0-9a-f]{8}")
                .contains("`popf`: IF: native 0, virtual 1");
    }

    @Test
    void aTraceIsWrittenAsChromeTraceJson(@TempDir Path dir) throws IOException {
        Path trace = dir.resolve("t.json");
        Outcome o = vmlab("run", "toyos", "-w", "net", "--cpu", "binary-translation", "--isa", "legacy",
                "--trace", trace.toString(), "-q");

        assertThat(o.exitCode()).isZero();
        assertThat(Files.readString(trace)).startsWith("{\"traceEvents\":[").contains("\"page fault\"")
                .endsWith("}}");
    }

    @Test
    void theNanobenchmarksAreMeasuredNativelyAndUnderEachTechnique() {
        Outcome o = vmlab("experiment", "nanobench", "--iterations", "20");

        assertThat(o.exitCode()).isZero();
        assertThat(o.out()).contains("native", "trap-emulate/classic", "binary-translation/legacy");
        for (String bench : new String[] {"syscall", "in", "cr-write", "call-ret", "pgfault", "divzero",
                "ptemod", "forkwait"}) {
            assertThat(o.out()).containsPattern("(?m)^" + bench + " +[0-9,]+ +[0-9,]+ \\([0-9.]+x\\) +[0-9,]+ \\([0-9.]+x\\)$");
        }
    }

    @Test
    void everyHostileGuestSucceedsOnBareMetalAndIsContainedInAVm() {
        Outcome o = vmlab("experiment", "attacks");

        assertThat(o.exitCode()).as(o.err()).isZero();
        for (String attack : new String[] {"map-foreign", "write-pagetable", "read-vmm", "dma-read", "dma-write",
                "interrupts-off", "pic-mask"}) {
            assertThat(o.out()).containsPattern("(?m)^" + attack + " +succeeded +contained +contained$");
        }
    }
}
