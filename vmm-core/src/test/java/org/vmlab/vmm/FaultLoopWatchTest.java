package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.isa.Vector;

/** A VMM that fixes the same fault forever is stopped with a reason; one that progresses is not. */
class FaultLoopWatchTest {

    private static Exit.PageFault fault(int pc, int address, int errorCode) {
        return new Exit.PageFault(pc, address, errorCode);
    }

    @Test
    void theSameFaultFixedWithoutProgressStopsTheRunAtTheLimit() {
        FaultLoopWatch watch = new FaultLoopWatch();
        Exit.PageFault write = fault(0x1040, 0x0040_5008, Vector.PF_WRITE | Vector.PF_PRESENT);
        for (int i = 1; i < FaultLoopWatch.LIMIT; i++) {
            assertThat(watch.fixed(write, 500)).as("repeat %d", i).isNull();
        }
        assertThat(watch.fixed(write, 500)).isEqualTo("no progress: the page fault at"
                + " pc=0x00001040 on address 0x00405008 (write from the kernel, page present) was"
                + " handled as fixed 10,000 times in a row, and the guest never got past it: the"
                + " fix does not let the access succeed (is the right frame mapped, with the"
                + " guest's user bit? for a write, is the entry writable and the guest's dirty bit"
                + " set? is the accessed bit set?)");
    }

    @Test
    void aGuestThatRetiresInstructionsOrFaultsElsewhereIsMakingProgress() {
        FaultLoopWatch watch = new FaultLoopWatch();
        for (int i = 0; i < 3 * FaultLoopWatch.LIMIT; i++) {
            assertThat(watch.fixed(fault(0x1040, 0x5000, 0), i / 2)).isNull();
            assertThat(watch.fixed(fault(0x1040, 0x6000 + (i % 2) * 4096, 0), 7)).isNull();
        }
    }

    /** An exit of a hardware technique's own, as an EPT violation is. */
    private record Violation(int pc) implements Exit.TechniqueExit {
        @Override
        public String kind() {
            return "ept violation";
        }
    }

    @Test
    void anEptViolationFixedWithoutProgressIsNamedAsSuch() {
        FaultLoopWatch watch = new FaultLoopWatch();
        for (int i = 1; i < FaultLoopWatch.LIMIT; i++) {
            assertThat(watch.fixed(new Violation(0x2000), 0x9000, Vector.PF_WRITE, 3)).isNull();
        }
        assertThat(watch.fixed(new Violation(0x2000), 0x9000, Vector.PF_WRITE, 3)).startsWith(
                "no progress: the ept violation at pc=0x00002000 on address 0x00009000 (write from the kernel,"
                        + " page not present)").endsWith("(is the frame mapped, with the permission the access needs?)");
    }

    @Test
    void aPageFaultAndAViolationAtTheSamePlaceAreDifferentFaults() {
        FaultLoopWatch watch = new FaultLoopWatch();
        for (int i = 0; i < 2 * FaultLoopWatch.LIMIT; i++) {
            assertThat(watch.fixed(fault(0x2000, 0x9000, 0), 3)).isNull();
            assertThat(watch.fixed(new Violation(0x2000), 0x9000, 0, 3)).isNull();
        }
    }
}
