package org.vmlab.machine.compiled;

/**
 * The JVM code of one {@link RegionShape}, as {@link RegionCompiler} writes it. Stateless: one
 * instance serves every machine whose memory holds the same code.
 */
public interface CompiledRegion {

    /**
     * Runs the region from its entry on {@code run}'s registers and FLAGS, block after block, for
     * as long as the next block fits in {@code run.budget}; leaves the registers and FLAGS it
     * changed, the instructions it retired and their extra cycles in {@code run}, with
     * {@code run.sideExit} set if it stopped before an instruction it could not make (the
     * interpreter's to run next).
     *
     * @return the virtual address of the next instruction
     */
    int run(RegionRun run);
}
