package org.vmlab.labs.lab0;

import java.util.ArrayList;
import java.util.List;

/**
 * The state of the machine's resources that a monitor must keep to itself (Popek and Goldberg's
 * "mode" and "relocation-bounds register", here: the ring, interrupts, the interrupt table, the
 * control registers, the TLB, the I/O ports and whether the processor runs).
 *
 * @param cpl          the current ring
 * @param interrupts   IF
 * @param idtr         where the interrupt table is
 * @param cr           cr0, cr2, cr3, cr4, cr5
 * @param tlbEntries   valid TLB entries (every page the probe uses is cached before it starts)
 * @param portAccesses I/O port reads and writes so far
 * @param running      false once the processor stopped or waits (hlt)
 */
public record Configuration(int cpl, boolean interrupts, int idtr, List<Integer> cr,
                            int tlbEntries, long portAccesses, boolean running) {

    public Configuration {
        cr = List.copyOf(cr);
    }

    /** What differs from {@code other}, as {@code "IF 0 -> 1, ..."}; empty if nothing does. */
    public String differences(Configuration other) {
        List<String> d = new ArrayList<>();
        if (cpl != other.cpl) {
            d.add("CPL " + cpl + " -> " + other.cpl);
        }
        if (interrupts != other.interrupts) {
            d.add("IF " + (interrupts ? 1 : 0) + " -> " + (other.interrupts ? 1 : 0));
        }
        if (idtr != other.idtr) {
            d.add(String.format("IDTR 0x%x -> 0x%x", idtr, other.idtr));
        }
        int[] names = {0, 2, 3, 4, 5};
        for (int i = 0; i < names.length; i++) {
            if (!cr.get(i).equals(other.cr.get(i))) {
                d.add(String.format("cr%d 0x%x -> 0x%x", names[i], cr.get(i), other.cr.get(i)));
            }
        }
        if (tlbEntries != other.tlbEntries) {
            d.add("TLB entries " + tlbEntries + " -> " + other.tlbEntries);
        }
        if (portAccesses != other.portAccesses) {
            d.add("I/O port accessed");
        }
        if (running != other.running) {
            d.add(other.running ? "processor resumed" : "processor stopped");
        }
        return String.join(", ", d);
    }
}
