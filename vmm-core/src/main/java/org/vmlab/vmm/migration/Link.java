package org.vmlab.vmm.migration;

/**
 * The network between the two hosts, as migration sees it: how long one page takes to cross, in
 * simulated cycles (read as nanoseconds at vmlab's nominal 1 GHz, docs/cost-model.md). The guest
 * runs on meanwhile: a round of pre-copy lasts as long as its pages take.
 *
 * @param cyclesPerPage cycles to send one 4 KiB page, at least 1
 * @param source        where the figure comes from ("estimate: ..." or a citation)
 */
public record Link(long cyclesPerPage, String source) {
    /**
     * Clark et al.'s gigabit Ethernet (NSDI 2005, §6): a 4 KiB page is 32,768 bits, 32.768 µs at
     * 1 Gbit/s, so 32,768 cycles at the nominal 1 GHz. No protocol overhead, no rate limiting.
     */
    public static final Link GIGABIT = new Link(32_768,
            "estimate: a 4 KiB page (32,768 bits) on Clark et al.'s gigabit Ethernet, at the nominal 1 GHz");

    public Link {
        if (cyclesPerPage < 1) {
            throw new IllegalArgumentException("a page takes at least one cycle to send, not " + cyclesPerPage);
        }
    }

    /** Cycles to send {@code pages} pages. */
    public long cyclesFor(long pages) {
        return pages * cyclesPerPage;
    }
}
