package org.vmlab.vmm;

import java.util.Arrays;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.image.Segment;
import org.vmlab.machine.memory.MemoryDigest;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.memory.Ram;
import org.vmlab.vmm.P2mEntry.Backed;
import org.vmlab.vmm.P2mEntry.Ballooned;
import org.vmlab.vmm.P2mEntry.Shared;

/**
 * A VM's guest-physical memory: what the guest believes is RAM from 0 to {@link #size()}, backed
 * by machine frames that the VMM hands out on first use. The physical-to-machine map (p2m) says,
 * for each guest frame, what backs it ({@link P2mEntry}): nothing yet (a frame never touched reads
 * as zeros and costs nothing), a private machine frame, a machine frame shared copy-on-write with
 * other guest frames of the same contents, or nothing any more because the guest ballooned it out.
 *
 * <p>Every write that the VMM or a virtual device makes (the write paths here, and so
 * {@link GuestVirtualMemory} and DMA through {@link Ram}) lands in a private frame: a shared one
 * is copied first, so that the write is never seen by another sharer. The guest's own stores run
 * on the real MMU: the memory technique maps a shared frame read-only ({@link #isWritable}), and
 * breaks the sharing ({@link #machineFrameForWrite}) when the guest's write faults.
 *
 * <p>A guest that touches a frame it ballooned out breaks its contract with the VMM: any access
 * to one throws {@link BalloonedPageAccess}, and the VM stops. Listeners hear every write and
 * every change of an entry ({@link ChangeListener}), so that a technique can drop what it cached
 * of a frame that moved.
 *
 * <p>Guest-physical addresses beyond {@link #size()} are not RAM: as on the bare machine they
 * belong to memory-mapped devices, which the VMM emulates. A VM may back at most
 * {@link #frameLimit()} guest frames; one more is refused with {@link MemoryLimitExceeded}.
 */
public final class GuestPhysicalMemory implements Ram {
    private static final int PAGE_SHIFT = PhysicalMemory.PAGE_SHIFT;

    private final String owner;
    private final int size;
    private final int frameLimit;
    private final MachineFrames machineFrames;
    private final PhysicalMemory machine;
    private final P2mEntry[] p2m;
    private int framesInUse;
    private int sharedFrames;
    private boolean identical;
    // Why the p2m may not change any more (populate), or null.
    private String fixedBecause;
    // Machine frame to guest frame, for this VM's private frames; built on first use.
    private int[] m2p;
    private ChangeListener[] listeners = new ChangeListener[0];
    // The dirty log (guest frames written since it was last collected), or null when not logging.
    private java.util.BitSet dirty;

    /**
     * Told of every change the VMM or a virtual device makes to guest memory: writes (not the
     * guest's own stores, which run on the real MMU) and changes of the p2m.
     */
    public interface ChangeListener {
        /** The VMM or a virtual device wrote guest-physical {@code gpa}. */
        default void written(int gpa) {
        }

        /**
         * Guest frame {@code gfn}'s entry changed from {@code before} to {@code after}: first use,
         * sharing, a copy-on-write break, ballooning. Whatever was cached of {@code before}'s
         * machine frame for this guest frame (a shadow entry, a translation) may be stale, and a
         * newly shared frame must no longer be mapped writable.
         */
        default void p2mChanged(int gfn, P2mEntry before, P2mEntry after) {
        }
    }

    /** A listener that hears only writes. */
    @FunctionalInterface
    public interface WriteListener extends ChangeListener {
        @Override
        void written(int gpa);
    }

    public GuestPhysicalMemory(String owner, int sizeBytes, int frameLimit, MachineFrames machineFrames) {
        if (sizeBytes <= 0 || sizeBytes % PhysicalMemory.PAGE_SIZE != 0) {
            throw new IllegalArgumentException(
                    "guest memory must be a positive multiple of 4096 bytes, was " + sizeBytes);
        }
        this.owner = owner;
        this.size = sizeBytes;
        this.frameLimit = frameLimit;
        this.machineFrames = machineFrames;
        this.machine = machineFrames.memory();
        this.p2m = new P2mEntry[sizeBytes >>> PAGE_SHIFT];
        Arrays.fill(p2m, P2mEntry.ABSENT);
    }

    public int size() {
        return size;
    }

    public int frames() {
        return p2m.length;
    }

    public int frameLimit() {
        return frameLimit;
    }

    /** Guest frames backed by a machine frame now, private or shared: what counts against the limit. */
    public int framesInUse() {
        return framesInUse;
    }

    /** Guest frames backed by a shared machine frame now. */
    public int sharedFrames() {
        return sharedFrames;
    }

    /** True if guest-physical {@code gpa} is RAM (and not a device). */
    public boolean isRam(int gpa) {
        return gpa >= 0 && gpa < size;
    }

    /** True if {@code [gpa, gpa+length)} lies inside guest RAM. */
    public boolean contains(int gpa, int length) {
        long start = Integer.toUnsignedLong(gpa);
        return length >= 0 && start + length <= size;
    }

    // --- the p2m --------------------------------------------------------------------------------

    /** What backs guest frame {@code gfn} now. */
    public P2mEntry entry(int gfn) {
        checkFrame("entry", gfn);
        return p2m[gfn];
    }

    /** True if guest frame {@code gfn} is backed by a machine frame shared copy-on-write. */
    public boolean isShared(int gfn) {
        return entry(gfn) instanceof Shared;
    }

    /** True if the guest gave guest frame {@code gfn} back: it may not touch it. */
    public boolean isBallooned(int gfn) {
        return entry(gfn) instanceof Ballooned;
    }

    /**
     * True if the guest may write guest frame {@code gfn} where it lies, so that a memory
     * technique may map its machine frame writable (as the guest's own tables allow): a private
     * frame, or one never touched (its first use backs it privately). A shared frame must be
     * mapped read-only, so that the guest's write faults and the sharing is broken first
     * ({@link #machineFrameForWrite}); a ballooned one not at all.
     */
    public boolean isWritable(int gfn) {
        P2mEntry entry = entry(gfn);
        return entry instanceof P2mEntry.Ram || entry instanceof P2mEntry.Absent;
    }

    /**
     * The machine frame that holds guest frame {@code gfn}, handed out now if this is its first
     * use. A shared frame is returned as it is, for reading: map it read-only.
     *
     * @throws MemoryLimitExceeded if the VM already backs its limit of frames
     * @throws BalloonedPageAccess if the guest ballooned the frame out
     */
    public int machineFrame(int gfn) {
        checkFrame("machineFrame", gfn);
        P2mEntry entry = p2m[gfn];
        if (entry instanceof Backed backed) {
            return backed.mfn();
        }
        if (entry instanceof Ballooned) {
            throw ballooned(gfn);
        }
        if (framesInUse >= frameLimit) {
            throw new MemoryLimitExceeded(String.format(
                    "%s touched guest frame 0x%05x beyond its limit of %d machine frames (%d KiB)",
                    owner, gfn, frameLimit, frameLimit * 4));
        }
        int mfn = machineFrames.allocate(owner);
        framesInUse++;
        change(gfn, new P2mEntry.Ram(mfn));
        return mfn;
    }

    /**
     * The private machine frame of guest frame {@code gfn}, for a write: handed out if this is
     * the frame's first use, copied out of a shared frame if it is shared ({@link #breakSharing}).
     *
     * @throws MemoryLimitExceeded if the VM already backs its limit of frames
     * @throws MachineFrames.OutOfMachineMemory if no frame is free for the copy
     * @throws BalloonedPageAccess if the guest ballooned the frame out
     */
    public int machineFrameForWrite(int gfn) {
        int mfn = machineFrame(gfn);
        return p2m[gfn] instanceof Shared ? breakSharing(gfn) : mfn;
    }

    /**
     * Backs guest frame {@code gfn} of this VM and {@code otherGfn} of {@code other} (this VM or
     * another) by one machine frame, read-only, if they hold the same bytes, and frees the frame
     * that is no longer needed: content-based page sharing [Waldspurger, OSDI 2002]. The frame
     * kept is this one's.
     *
     * @return true if the two are shared now; false if their contents differ (nothing changes)
     * @throws IllegalArgumentException if either is not backed by a machine frame
     */
    public boolean share(int gfn, GuestPhysicalMemory other, int otherGfn) {
        P2mEntry mine = entry(gfn);
        P2mEntry theirs = other.entry(otherGfn);
        if (!(mine instanceof Backed kept) || !(theirs instanceof Backed dropped)) {
            throw new IllegalArgumentException(String.format("share(0x%x, %s, 0x%x): only frames backed by"
                    + " machine frames can be shared, not %s and %s", gfn, other.owner, otherGfn, mine, theirs));
        }
        if (identical || other.identical) {
            throw identityBacked("share");
        }
        if (fixedBecause != null || other.fixedBecause != null) {
            throw fixed("share", fixedBecause != null ? this : other);
        }
        if (kept.mfn() == dropped.mfn()) {
            return true;
        }
        if (!sameBytes(kept.mfn(), dropped.mfn())) {
            return false;
        }
        if (mine instanceof P2mEntry.Ram) {
            sharedFrames++;
            change(gfn, new Shared(kept.mfn()));
        }
        machineFrames.share(kept.mfn());
        if (theirs instanceof P2mEntry.Ram) {
            other.sharedFrames++;
        }
        other.change(otherGfn, new Shared(kept.mfn()));
        machineFrames.release(dropped.mfn());
        return true;
    }

    /**
     * Why this memory's frames may not be shared ({@link #share} would refuse), or empty if they
     * may: guest-physical memory that is machine memory ({@link #backIdentically}), or frames that
     * stay on their machine frames ({@link #populate}). A page-sharing scanner asks before it
     * hashes anything.
     */
    public java.util.Optional<String> whyNotSharable() {
        if (identical) {
            return java.util.Optional.of(owner + "'s guest-physical memory is machine memory (backed identically):"
                    + " the real MMU reaches its frames directly, whatever the p2m says");
        }
        if (fixedBecause != null) {
            return java.util.Optional.of(owner + "'s guest frames stay on their machine frames: " + fixedBecause);
        }
        return java.util.Optional.empty();
    }

    /**
     * Gives shared guest frame {@code gfn} a private machine frame with the same bytes, as the
     * VMM's {@link CopyOnWrite} makes it: a copy, or the shared frame itself if no other entry maps
     * it any more. The other sharers keep the shared frame, and never see what is written into the
     * private one.
     *
     * @return the private machine frame
     * @throws MachineFrames.OutOfMachineMemory if no frame is free for the copy
     * @throws IllegalArgumentException if the frame is not shared
     * @throws IllegalStateException if the copy-on-write break returned a frame that is not the
     *         writer's alone (the p2m is then unchanged)
     */
    public int breakSharing(int gfn) {
        if (!(entry(gfn) instanceof Shared shared)) {
            throw new IllegalArgumentException(String.format("breakSharing(0x%x): guest frame 0x%x of %s is"
                    + " not shared (it is %s)", gfn, gfn, owner, p2m[gfn]));
        }
        int mfn = machineFrames.copyOnWrite().privateFrame(machineFrames, shared.mfn(), owner);
        if (!owner.equals(machineFrames.owner(mfn)) || machineFrames.references(mfn) != 1) {
            // the break must leave the writer a frame no one else maps: else a sharer would see the write
            throw new IllegalStateException(String.format("the copy-on-write break gave %s machine frame %d, which"
                    + " is %s with %d references: a writer needs a frame of its own, with one reference", owner,
                    mfn, machineFrames.owner(mfn) == null ? "free" : "owned by " + machineFrames.owner(mfn),
                    machineFrames.references(mfn)));
        }
        sharedFrames--;
        change(gfn, new P2mEntry.Ram(mfn));
        return mfn;
    }

    /**
     * The guest's balloon driver gave guest frame {@code gfn} back: its machine frame (if any) is
     * released, and the guest may not touch the frame until {@link #unballoon} returns it.
     *
     * @throws IllegalStateException if it is ballooned already, or guest-physical memory is
     *         machine memory ({@link #backIdentically}), where the real MMU would still reach it
     */
    public void balloon(int gfn) {
        P2mEntry entry = entry(gfn);
        if (identical) {
            throw identityBacked("balloon");
        }
        if (fixedBecause != null) {
            throw fixed("balloon", this);
        }
        if (entry instanceof Ballooned) {
            throw new IllegalStateException(String.format("balloon(0x%x): guest frame 0x%x of %s is"
                    + " ballooned already", gfn, gfn, owner));
        }
        if (entry instanceof Backed backed) {
            machineFrames.release(backed.mfn());
            framesInUse--;
            if (entry instanceof Shared) {
                sharedFrames--;
            }
        }
        change(gfn, P2mEntry.BALLOONED);
    }

    /**
     * The balloon deflated by guest frame {@code gfn}: the guest may use it again, and it reads
     * as zeros until its first use backs it.
     *
     * @throws IllegalStateException if it is not ballooned
     */
    public void unballoon(int gfn) {
        if (!(entry(gfn) instanceof Ballooned)) {
            throw new IllegalStateException(String.format("unballoon(0x%x): guest frame 0x%x of %s is"
                    + " not ballooned (it is %s)", gfn, gfn, owner, p2m[gfn]));
        }
        change(gfn, P2mEntry.ABSENT);
    }

    private void change(int gfn, P2mEntry after) {
        P2mEntry before = p2m[gfn];
        p2m[gfn] = after;
        if (dirty != null && !(after instanceof Backed)) {
            dirty.set(gfn);   // its contents are gone (ballooned out): a copy elsewhere must follow
        }
        if (m2p != null) {
            if (before instanceof P2mEntry.Ram old && m2p[old.mfn()] == gfn) {
                m2p[old.mfn()] = -1;
            }
            if (after instanceof P2mEntry.Ram now) {
                m2p[now.mfn()] = gfn;
            }
        }
        for (ChangeListener listener : listeners) {
            listener.p2mChanged(gfn, before, after);
        }
    }

    private boolean sameBytes(int mfnA, int mfnB) {
        int a = mfnA << PAGE_SHIFT;
        int b = mfnB << PAGE_SHIFT;
        for (int i = 0; i < PhysicalMemory.PAGE_SIZE; i += 4) {
            if (machine.readWord(a + i) != machine.readWord(b + i)) {
                return false;
            }
        }
        return true;
    }

    private BalloonedPageAccess ballooned(int gfn) {
        return new BalloonedPageAccess(String.format("%s touched guest frame 0x%05x, which it had given"
                + " back to the VMM (ballooned out)", owner, gfn));
    }

    private IllegalStateException identityBacked(String call) {
        return new IllegalStateException(call + ": " + owner + "'s guest-physical memory is machine memory"
                + " (backed identically): the real MMU reaches its frames directly, whatever the p2m says");
    }

    private static IllegalStateException fixed(String call, GuestPhysicalMemory memory) {
        return new IllegalStateException(call + ": " + memory.owner + "'s guest frames stay on their machine"
                + " frames: " + memory.fixedBecause);
    }

    private void checkFrame(String call, int gfn) {
        if (gfn < 0 || gfn >= p2m.length) {
            throw new IllegalArgumentException(String.format("%s(0x%x): guest frame"
                    + " 0x%x is outside %s's memory (guest frames 0x0..0x%x)%s", call, gfn, gfn, owner,
                    p2m.length - 1, gfn >= p2m.length
                            ? ": is it an address rather than a frame number (address >>> 12)?"
                            : ""));
        }
    }

    /**
     * Backs every guest frame by the machine frame of the same number, at once: guest-physical
     * addresses become machine addresses. For a VM that owns the whole machine and whose page
     * tables the real MMU walks as they are; such memory can be neither shared nor ballooned.
     *
     * @throws MachineFrames.OutOfMachineMemory if any of those frames is taken
     */
    public void backIdentically() {
        for (int gfn = 0; gfn < p2m.length; gfn++) {
            if (!(p2m[gfn] instanceof P2mEntry.Ram ram && ram.mfn() == gfn)) {
                if (p2m[gfn] instanceof Backed backed) {
                    throw new IllegalStateException("guest frame " + gfn + " is already backed by machine frame "
                            + backed.mfn());
                }
                change(gfn, new P2mEntry.Ram(machineFrames.claim(gfn, owner)));
                framesInUse++;
            }
        }
        identical = true;
    }

    /**
     * Backs every guest frame by a machine frame now, as Xen's domain builder gives a guest all its
     * memory before it runs, and keeps each on its machine frame from then on: sharing and
     * ballooning, which would move or free a frame, are refused ({@link #share} and
     * {@link #balloon} throw {@link IllegalStateException} saying {@code why}). For direct paging,
     * where the guest's own page tables name machine frames.
     *
     * @throws MemoryLimitExceeded if the VM's frame limit is below its memory
     * @throws MachineFrames.OutOfMachineMemory if the machine has not enough free frames
     */
    public void populate(String why) {
        if (frameLimit < p2m.length) {
            throw new MemoryLimitExceeded(String.format("%s cannot be given all its %d frames at once:"
                    + " its limit is %d machine frames", owner, p2m.length, frameLimit));
        }
        for (int gfn = 0; gfn < p2m.length; gfn++) {
            machineFrameForWrite(gfn);
        }
        fixedBecause = why;
    }

    /**
     * The guest frame that machine frame {@code mfn} backs, if it is a frame of this VM's own
     * (not shared); else -1: the machine-to-physical map (Xen's m2p), the p2m read backwards.
     */
    public int guestFrameOf(int mfn) {
        if (m2p == null) {
            m2p = new int[machine.frames()];
            Arrays.fill(m2p, -1);
            for (int gfn = 0; gfn < p2m.length; gfn++) {
                if (p2m[gfn] instanceof P2mEntry.Ram ram) {
                    m2p[ram.mfn()] = gfn;
                }
            }
        }
        return mfn >= 0 && mfn < m2p.length ? m2p[mfn] : -1;
    }

    /** Gives every machine frame back to the free pool: the VM is going. */
    void releaseAll() {
        for (int gfn = 0; gfn < p2m.length; gfn++) {
            if (p2m[gfn] instanceof Backed backed) {
                machineFrames.release(backed.mfn());
            }
            p2m[gfn] = P2mEntry.ABSENT;
        }
        m2p = null;
        framesInUse = 0;
        sharedFrames = 0;
    }

    /** The machine address of guest-physical {@code gpa} (RAM), its frame handed out if need be. */
    public int machineAddress(int gpa) {
        return (machineFrame(gpa >>> PAGE_SHIFT) << PAGE_SHIFT) | (gpa & 0xFFF);
    }

    /** The allocator this memory's frames come from (the VMM's, shared by every VM). */
    public MachineFrames machineFrames() {
        return machineFrames;
    }

    /** True if machine frame {@code mfn} belongs to this VM (a shared frame belongs to no VM). */
    public boolean owns(int mfn) {
        return owner.equals(machineFrames.owner(mfn));
    }

    // --- listeners --------------------------------------------------------------------------------

    /**
     * Adds a listener told of every write the VMM or a virtual device makes into guest memory (not
     * the guest's own stores, which run on the real MMU) and of every change of the p2m: shadow
     * paging traces page tables and drops the shadows of remapped frames with it.
     */
    public void addListener(ChangeListener listener) {
        listeners = Arrays.copyOf(listeners, listeners.length + 1);
        listeners[listeners.length - 1] = listener;
    }

    /** Removes a listener {@link #addListener} added (the same object). */
    public void removeListener(ChangeListener listener) {
        listeners = Arrays.stream(listeners).filter(l -> l != listener).toArray(ChangeListener[]::new);
    }

    /** Adds a listener that hears only writes ({@link #addListener}). */
    public void addWriteListener(WriteListener listener) {
        addListener(listener);
    }

    /** Removes a listener {@link #addWriteListener} added (the same object). */
    public void removeWriteListener(WriteListener listener) {
        removeListener(listener);
    }

    private void written(int gpa) {
        logDirty(gpa);
        for (ChangeListener listener : listeners) {
            listener.written(gpa);
        }
    }

    // --- access by the VMM and by virtual devices ----------------------------------------------

    /** A guest-physical address outside RAM is a caller's mistake: say which call and address. */
    private void checkAddress(String call, int gpa) {
        if (Integer.compareUnsigned(gpa, size) >= 0) {
            throw new IllegalArgumentException(String.format("%s(0x%08x): guest-physical address"
                    + " outside %s's RAM (0x0..0x%08x)", call, gpa, owner, size - 1));
        }
    }

    /** The machine address to read {@code gpa} from, or -1 for a frame never touched (zeros). */
    private int readAddress(int gpa) {
        P2mEntry entry = p2m[gpa >>> PAGE_SHIFT];
        if (entry instanceof Backed backed) {
            return (backed.mfn() << PAGE_SHIFT) | (gpa & 0xFFF);
        }
        if (entry instanceof Ballooned) {
            throw ballooned(gpa >>> PAGE_SHIFT);
        }
        return -1;
    }

    /** The machine address to write {@code gpa} at: in a private frame, copied from a shared one if need be. */
    private int writeAddress(int gpa) {
        return (machineFrameForWrite(gpa >>> PAGE_SHIFT) << PAGE_SHIFT) | (gpa & 0xFFF);
    }

    public int readWord(int gpa) {
        checkAddress("readWord", gpa);
        int ma = readAddress(gpa);
        return ma < 0 ? 0 : machine.readWord(ma);
    }

    public void writeWord(int gpa, int value) {
        checkAddress("writeWord", gpa);
        machine.writeWord(writeAddress(gpa), value);
        written(gpa);
    }

    /**
     * Writes without telling the listeners of the write: for the accessed and dirty bits that a
     * page walk sets in the guest's own entries, which change no mapping that anyone caches. (A
     * shared frame is still copied first.)
     */
    public void writeWordQuietly(int gpa, int value) {
        checkAddress("writeWordQuietly", gpa);
        machine.writeWord(writeAddress(gpa), value);
        logDirty(gpa);   // quiet for the listeners, not for the dirty log: the page's bytes changed
    }

    public int readByte(int gpa) {
        checkAddress("readByte", gpa);
        int ma = readAddress(gpa);
        return ma < 0 ? 0 : machine.readByte(ma);
    }

    public void writeByte(int gpa, int value) {
        checkAddress("writeByte", gpa);
        machine.writeByte(writeAddress(gpa), value);
        written(gpa);
    }

    /** {@code length} bytes from {@code gpa}; nothing is read if any of them lies in a ballooned frame. */
    public byte[] read(int gpa, int length) {
        checkNotBallooned(gpa, length);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) readByte(gpa + i);
        }
        return bytes;
    }

    /** Writes {@code bytes} at {@code gpa}; nothing is written if any of them lies in a ballooned frame. */
    public void write(int gpa, byte[] bytes) {
        checkNotBallooned(gpa, bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            writeByte(gpa + i, bytes[i]);
        }
    }

    /** A DMA or a copy that reaches a ballooned frame stops before it moves a byte. */
    private void checkNotBallooned(int gpa, int length) {
        if (length <= 0 || !contains(gpa, length)) {
            return;   // the byte accesses say what is wrong
        }
        for (int gfn = gpa >>> PAGE_SHIFT; gfn <= (gpa + length - 1) >>> PAGE_SHIFT; gfn++) {
            if (p2m[gfn] instanceof Ballooned) {
                throw ballooned(gfn);
            }
        }
    }

    /** Loads a program as a bare machine would: every segment at its (guest-physical) address. */
    public void load(Image image) {
        for (Segment segment : image.segments()) {
            if (!contains(segment.address(), segment.size())) {
                throw new IllegalArgumentException(String.format(
                        "segment %s at 0x%08x (%d bytes) does not fit in %d KiB of guest memory",
                        segment.name(), segment.address(), segment.size(), size >> 10));
            }
            write(segment.address(), segment.bytes());
        }
    }

    /**
     * The {@link MemoryDigest} of guest-physical memory: equal to a bare machine's with the same
     * bytes. A ballooned frame counts as zeros, as one never touched.
     */
    public String digest() {
        return MemoryDigest.of(size, (gfn, into) -> {
            if (!(p2m[gfn] instanceof Backed backed)) {
                return false;
            }
            int base = backed.mfn() << PAGE_SHIFT;
            for (int i = 0; i < into.length; i++) {
                into[i] = machine.readWord(base + 4 * i);
            }
            return true;
        });
    }

    // --- pages as values: snapshots and migration ------------------------------------------------

    /**
     * A copy of guest frame {@code gfn}'s bytes, for a snapshot or a migration to carry; null for
     * a frame never touched (it reads as zeros, and its first use elsewhere backs it) or one the
     * guest ballooned out ({@link #isBallooned}). Reading costs no machine frame.
     */
    public byte[] pageContents(int gfn) {
        checkFrame("pageContents", gfn);
        if (!(p2m[gfn] instanceof Backed backed)) {
            return null;
        }
        byte[] bytes = new byte[PhysicalMemory.PAGE_SIZE];
        int base = backed.mfn() << PAGE_SHIFT;
        for (int i = 0; i < bytes.length; i += 4) {
            int word = machine.readWord(base + i);
            bytes[i] = (byte) word;
            bytes[i + 1] = (byte) (word >>> 8);
            bytes[i + 2] = (byte) (word >>> 16);
            bytes[i + 3] = (byte) (word >>> 24);
        }
        return bytes;
    }

    /**
     * Puts {@code bytes} (a whole page, as {@link #pageContents} gave it, taken here or on another
     * host) into guest frame {@code gfn}, in a private machine frame: a snapshot's restore, or a
     * page that migration sent. The listeners hear it as the VMM's write of the frame. A frame the
     * guest had ballooned out is taken back first.
     *
     * @throws IllegalArgumentException if {@code bytes} is not one page
     * @throws MemoryLimitExceeded if the VM already backs its limit of frames
     */
    public void restorePage(int gfn, byte[] bytes) {
        checkFrame("restorePage", gfn);
        if (bytes.length != PhysicalMemory.PAGE_SIZE) {
            throw new IllegalArgumentException("restorePage(0x" + Integer.toHexString(gfn) + "): a page is "
                    + PhysicalMemory.PAGE_SIZE + " bytes, not " + bytes.length);
        }
        if (p2m[gfn] instanceof Ballooned) {
            unballoon(gfn);
        }
        int base = machineFrameForWrite(gfn) << PAGE_SHIFT;
        for (int i = 0; i < bytes.length; i += 4) {
            machine.writeWord(base + i, (bytes[i] & 0xFF) | (bytes[i + 1] & 0xFF) << 8
                    | (bytes[i + 2] & 0xFF) << 16 | (bytes[i + 3] & 0xFF) << 24);
        }
        written(gfn << PAGE_SHIFT);
    }

    // --- the dirty log: live migration's pre-copy ----------------------------------------------------

    /**
     * Starts the dirty log, empty: from now on every write the VMM or a device makes into guest
     * memory (DMA included, and the accessed and dirty bits a software walk sets quietly), and every
     * frame whose contents go (ballooned out), is logged, by guest frame. The guest's own stores run
     * on the real MMU, unseen here: the memory technique catches them and logs them
     * ({@link #logDirtyFrame}), as {@link DirtyLog} says. Starting a log that runs empties it.
     */
    public void startDirtyLog() {
        dirty = new java.util.BitSet(p2m.length);
    }

    /** True while the dirty log runs. */
    public boolean dirtyLogging() {
        return dirty != null;
    }

    /** Logs guest frame {@code gfn} dirty, if the log runs: for a memory technique that caught a guest store. */
    public void logDirtyFrame(int gfn) {
        checkFrame("logDirtyFrame", gfn);
        if (dirty != null) {
            dirty.set(gfn);
        }
    }

    /** True if guest frame {@code gfn} was logged dirty since the last collection (false when not logging). */
    public boolean loggedDirty(int gfn) {
        checkFrame("loggedDirty", gfn);
        return dirty != null && dirty.get(gfn);
    }

    /**
     * The guest frames logged dirty since the log started or was last collected, and an empty log
     * from now on.
     *
     * @throws IllegalStateException if the log does not run
     */
    public java.util.BitSet collectDirtyLog() {
        if (dirty == null) {
            throw new IllegalStateException("collectDirtyLog: " + owner + "'s dirty log does not run (startDirtyLog first)");
        }
        java.util.BitSet collected = dirty;
        dirty = new java.util.BitSet(p2m.length);
        return collected;
    }

    /** Stops the dirty log and forgets it. */
    public void stopDirtyLog() {
        dirty = null;
    }

    private void logDirty(int gpa) {
        if (dirty != null) {
            dirty.set(gpa >>> PAGE_SHIFT);
        }
    }

    /** A VM asked for more machine frames than its limit allows. */
    public static final class MemoryLimitExceeded extends RuntimeException {
        public MemoryLimitExceeded(String message) {
            super(message);
        }
    }

    /** The guest touched a frame it had ballooned out: its bug, which stops the VM. */
    public static final class BalloonedPageAccess extends RuntimeException {
        public BalloonedPageAccess(String message) {
            super(message);
        }
    }
}
