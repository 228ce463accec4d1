package org.vmlab.vmm;

/**
 * One entry of the physical-to-machine map (p2m): what backs one guest frame. The kinds are those
 * of VMware ESX's memory management [Waldspurger, OSDI 2002]: memory is handed out on first use,
 * identical pages are shared copy-on-write, and a guest's balloon driver gives pages back so that
 * the VMM can reclaim their frames.
 *
 * <p>A memory technique maps a guest frame for the guest's direct accesses by its kind: a
 * {@link Ram} frame readable and writable (as the guest's own tables allow), a {@link Shared}
 * frame read-only (a write must fault, so that the VMM breaks the sharing first), a
 * {@link Ballooned} one not at all.
 */
public sealed interface P2mEntry {

    /** Never touched: reads as zeros and costs no machine frame; its first use backs it as {@link Ram}. */
    record Absent() implements P2mEntry {
    }

    /** The guest gave the frame back (its balloon driver inflated); the VMM reclaimed the machine frame. */
    record Ballooned() implements P2mEntry {
    }

    /** An entry with a machine frame behind it. */
    sealed interface Backed extends P2mEntry {
        /** The machine frame that holds the guest frame's bytes. */
        int mfn();
    }

    /** A machine frame of this guest frame's own, which no other entry maps. */
    record Ram(int mfn) implements Backed {
    }

    /**
     * A machine frame shared, read-only, with other guest frames of the same contents (of this VM
     * or of others): a write gets a private copy first, so that no sharer ever sees it.
     */
    record Shared(int mfn) implements Backed {
    }

    P2mEntry ABSENT = new Absent();

    P2mEntry BALLOONED = new Ballooned();
}
