package org.vmlab.machine.compiled;

import org.vmlab.machine.memory.Mmu;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * What a {@link CompiledRegion} runs on and hands back: one per engine, filled before each call
 * and read after it. Plain fields, because the generated code reads and writes them directly.
 */
final class RegionRun {
    // set once
    final Mmu mmu;
    final PhysicalMemory memory;

    // in
    int[] registers;
    /** The virtual address of the entry's page: block offsets are added to it. */
    int pageBase;
    /** The ring the code runs in, for the TLB's permission check. */
    int cpl;
    /** The most instructions it may retire. */
    int budget;

    // in and out
    int flags;

    /** Set when a store dropped compiled code (it wrote a word some region holds): the region ends after it. */
    boolean codeChanged;

    // out
    int retired;
    int extraCycles;
    boolean sideExit;

    RegionRun(Mmu mmu, PhysicalMemory memory) {
        this.mmu = mmu;
        this.memory = memory;
    }
}
