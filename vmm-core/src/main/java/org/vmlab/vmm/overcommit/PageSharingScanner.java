package org.vmlab.vmm.overcommit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.P2mEntry;
import org.vmlab.vmm.SliceHook;
import org.vmlab.vmm.VirtualMachine;

/**
 * Content-based page sharing as VMware ESX Server does it [C. A. Waldspurger, "Memory Resource
 * Management in VMware ESX Server", OSDI 2002, section 4]: between slices, the scanner visits the
 * guest frames of every VM on the hypervisor, round robin, hashes the contents of each candidate,
 * and looks the hash up in a table. A page whose hash is new is kept there as a <em>hint</em>
 * (hashed once, not shared yet); a page whose hash matches a hint or a page already shared is
 * compared with it in full ({@link GuestPhysicalMemory#share}, which maps both to one machine
 * frame, read-only, only if every byte is the same) and the frame no longer needed goes back to
 * the free pool. A write to a shared page, by the guest, the VMM or a device's DMA, gets a private
 * copy first (copy-on-write: {@link GuestPhysicalMemory#breakSharing}), so that no sharer ever
 * sees another's write.
 *
 * <p>A hint goes stale when its page changes after it was hashed, or is ballooned out, or its VM
 * goes: the full comparison (or the check that the page is still backed) finds that, and the page
 * being scanned takes the hint's place, as in ESX. Only private frames are candidates: a frame
 * never touched costs nothing to leave alone, a ballooned one has no frame, a shared one is
 * shared already, and memory whose frames may not move ({@link GuestPhysicalMemory#whyNotSharable})
 * is skipped whole.
 *
 * <p>The scan rate bounds the work after each slice: at most {@link #pagesPerSlice()} pages are
 * hashed, each charged to the VM whose page it is as a {@link CoreEvent#PAGE_SCAN}. Each VM's
 * {@code VmmCounters} count {@value #SCANNED} (its pages hashed), {@value #SHARED} (its pages the
 * scanner mapped to a shared frame) and {@value #SAVED} (machine frames freed by sharing one of
 * its pages with a page already kept); the VM counts its copy-on-write breaks itself
 * ({@link VirtualMachine#COW_BREAKS}).
 */
public final class PageSharingScanner implements SliceHook {
    /**
     * Pages hashed after each slice unless told otherwise. Far more, for the work a slice does,
     * than ESX scans (its scanner is meant to be all but free): a toyos run lasts tens of slices,
     * and the scan must cover its few hundred pages within them for sharing to show. The cost is
     * charged, so a run's slowdown shows what the rate costs.
     */
    public static final int DEFAULT_PAGES_PER_SLICE = 8;

    /** Counter: pages the scanner hashed. */
    public static final String SCANNED = "sharing.scanned";
    /** Counter: pages the scanner mapped to a shared frame. */
    public static final String SHARED = "sharing.shared";
    /** Counter: machine frames freed by sharing. */
    public static final String SAVED = "sharing.saved";

    private static final int PAGE = PhysicalMemory.PAGE_SIZE;

    private final Hypervisor vmm;
    private final int pagesPerSlice;
    private final SharingRules rules;
    // The table of page contents: hash to the page that holds them (a hint, or a page shared).
    private final Map<Long, Page> table = new HashMap<>();
    // Where the round robin is: the VM (an index into the hypervisor's list) and its next frame.
    private int vmIndex;
    private int nextFrame;
    private long scanned;
    private long shared;
    private long saved;

    /** A guest frame of a VM: a hint, or the page that keeps a shared frame. */
    private record Page(VirtualMachine vm, int gfn) {
    }

    /**
     * A scanner of {@code vmm}'s VMs that hashes at most {@code pagesPerSlice} pages after each
     * slice and decides as {@code rules} say; {@code rules} becomes the copy-on-write break of
     * every VM of {@code vmm} ({@link org.vmlab.vmm.MachineFrames#useCopyOnWrite}). Register it with
     * {@link Hypervisor#betweenSlices}.
     */
    public PageSharingScanner(Hypervisor vmm, int pagesPerSlice, SharingRules rules) {
        if (pagesPerSlice <= 0) {
            throw new IllegalArgumentException("the scan rate must be at least one page a slice, was " + pagesPerSlice);
        }
        this.vmm = vmm;
        this.pagesPerSlice = pagesPerSlice;
        this.rules = java.util.Objects.requireNonNull(rules, "rules");
        vmm.frames().useCopyOnWrite(rules);
    }

    public int pagesPerSlice() {
        return pagesPerSlice;
    }

    /** Pages hashed so far, of every VM. */
    public long scanned() {
        return scanned;
    }

    /** Pages mapped to a shared frame so far, of every VM. */
    public long shared() {
        return shared;
    }

    /** Machine frames freed by sharing so far. */
    public long saved() {
        return saved;
    }

    /**
     * Hashes the next candidates, round robin over the VMs and their frames, until
     * {@link #pagesPerSlice()} have been hashed or every frame of every VM has been visited once.
     */
    @Override
    public void afterSlice(VirtualMachine ran) {
        List<VirtualMachine> vms = vmm.vms();
        long frames = 0;
        for (VirtualMachine vm : vms) {
            frames += vm.memory().frames();
        }
        int hashed = 0;
        for (long visited = 0; visited < frames && hashed < pagesPerSlice; visited++) {
            if (vmIndex >= vms.size()) {
                vmIndex = 0;
                nextFrame = 0;
            }
            VirtualMachine vm = vms.get(vmIndex);
            GuestPhysicalMemory memory = vm.memory();
            if (nextFrame >= memory.frames() || memory.whyNotSharable().isPresent()) {
                visited += memory.frames() - Math.min(nextFrame, memory.frames()) - 1;
                vmIndex++;
                nextFrame = 0;
                continue;
            }
            int gfn = nextFrame++;
            if (rules.candidate(memory.entry(gfn))) {
                scan(new Page(vm, gfn));
                hashed++;
            }
        }
    }

    private void scan(Page page) {
        GuestPhysicalMemory memory = page.vm().memory();
        if (!(memory.entry(page.gfn()) instanceof P2mEntry.Backed)) {
            return;   // no machine frame to save: hashing it would back it
        }
        long hash = rules.hash(words(memory, page.gfn()));
        page.vm().counters().event(CoreEvent.PAGE_SCAN);
        page.vm().counters().add(SCANNED, 1);
        scanned++;
        Page kept = table.get(hash);
        switch (rules.onHashed(found(kept, page))) {
            case REMEMBER_AS_HINT -> table.put(hash, page);
            case SHARE_IF_IDENTICAL -> shareIfIdentical(hash, kept, page);
            case LEAVE -> { }
            default -> throw new IllegalStateException();
        }
    }

    private SharingRules.Found found(Page kept, Page page) {
        if (kept == null) {
            return SharingRules.Found.NOTHING;
        }
        if (kept.equals(page)) {
            return SharingRules.Found.THIS_PAGE;
        }
        if (!stillBacked(kept)) {
            return SharingRules.Found.A_PAGE_GONE;
        }
        return kept.vm().memory().isShared(kept.gfn()) ? SharingRules.Found.A_SHARED_PAGE : SharingRules.Found.A_HINT;
    }

    /**
     * Shares {@code page} with the table's {@code kept} if every byte is the same; if they differ
     * (the hint changed since it was hashed, or the hashes collided) {@code page} takes its place.
     * Nothing is shared with a page that is gone or with itself, whatever the rules say.
     */
    private void shareIfIdentical(long hash, Page kept, Page page) {
        if (kept == null || kept.equals(page) || !stillBacked(kept)) {
            table.put(hash, page);
            return;
        }
        GuestPhysicalMemory keptMemory = kept.vm().memory();
        GuestPhysicalMemory memory = page.vm().memory();
        boolean keptWasPrivate = keptMemory.entry(kept.gfn()) instanceof P2mEntry.Ram;
        boolean pageWasPrivate = memory.entry(page.gfn()) instanceof P2mEntry.Ram;
        int before = vmm.frames().freeFrames();
        if (!keptMemory.share(kept.gfn(), memory, page.gfn())) {
            table.put(hash, page);
            return;
        }
        if (keptWasPrivate) {
            kept.vm().counters().add(SHARED, 1);
            shared++;
        }
        if (pageWasPrivate) {
            page.vm().counters().add(SHARED, 1);
            shared++;
        }
        int freed = vmm.frames().freeFrames() - before;
        page.vm().counters().add(SAVED, freed);
        saved += freed;
    }

    /** The 1024 words of guest frame {@code gfn}, in order. */
    private static int[] words(GuestPhysicalMemory memory, int gfn) {
        int[] words = new int[PAGE / 4];
        int base = gfn * PAGE;
        for (int i = 0; i < words.length; i++) {
            words[i] = memory.readWord(base + 4 * i);
        }
        return words;
    }

    /** A page in the table is still there to share with: its VM runs here, and it has a machine frame. */
    private boolean stillBacked(Page page) {
        return vmm.vms().contains(page.vm()) && page.vm().memory().entry(page.gfn()) instanceof P2mEntry.Backed
                && page.vm().memory().whyNotSharable().isEmpty();
    }
}
