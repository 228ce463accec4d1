package org.vmlab.vmm;

import java.util.ArrayDeque;
import java.util.Deque;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * The VMM's allocator of machine frames: every frame of the real machine's memory is either free
 * or handed out, with an owner (a VM's guest-physical memory, the VMM itself for its shadow page
 * tables, or {@link #SHARED}) and a reference count: how many p2m entries map it. A frame of one
 * owner has count 1; a frame shared copy-on-write by N guest frames has count N and is freed when
 * the last of them lets go. The VMM alone decides; no guest can change who owns what.
 */
public final class MachineFrames {
    /** The owner of frames the VMM keeps for itself. */
    public static final String VMM = "vmm";
    /** The owner of frames shared read-only by guest frames of the same contents, of any VM. */
    public static final String SHARED = "shared";

    private final PhysicalMemory memory;
    private final String[] owners;
    private final int[] references;
    private final Deque<Integer> free = new ArrayDeque<>();
    private CopyOnWrite copyOnWrite = CopyOnWrite.ALWAYS_COPY;

    /** Manages every frame of {@code memory} except the first {@code reserved}, which stay out. */
    public MachineFrames(PhysicalMemory memory, int reserved) {
        this.memory = memory;
        this.owners = new String[memory.frames()];
        this.references = new int[memory.frames()];
        for (int f = reserved; f < memory.frames(); f++) {
            free.addLast(f);
        }
    }

    /**
     * A zeroed frame for {@code owner}, with one reference.
     *
     * @throws OutOfMachineMemory if no frame is free
     */
    public int allocate(String owner) {
        int frame = take(owner);
        zero(frame);
        return frame;
    }

    /**
     * A frame for {@code owner} holding a copy of {@code frame}'s bytes, with one reference: a
     * copy-on-write break.
     *
     * @throws OutOfMachineMemory if no frame is free
     */
    public int copyOf(int frame, String owner) {
        checkAllocated(frame);
        int copy = take(owner);
        int from = frame << PhysicalMemory.PAGE_SHIFT;
        int to = copy << PhysicalMemory.PAGE_SHIFT;
        for (int i = 0; i < PhysicalMemory.PAGE_SIZE; i += 4) {
            memory.writeWord(to + i, memory.readWord(from + i));
        }
        return copy;
    }

    private int take(String owner) {
        Integer frame = free.pollFirst();
        if (frame == null) {
            throw new OutOfMachineMemory("no free machine frame for " + owner
                    + " (" + owners.length + " frames in all)");
        }
        owners[frame] = owner;
        references[frame] = 1;
        return frame;
    }

    /**
     * Hands out the particular frame {@code frame} to {@code owner}, zeroed, with one reference.
     *
     * @throws OutOfMachineMemory if it is not free
     */
    public int claim(int frame, String owner) {
        if (frame < 0 || frame >= owners.length || !free.remove(frame)) {
            throw new OutOfMachineMemory("machine frame " + frame + " is not free for " + owner
                    + (owner(frame) != null ? " (it belongs to " + owner(frame) + ")" : ""));
        }
        owners[frame] = owner;
        references[frame] = 1;
        zero(frame);
        return frame;
    }

    /**
     * One more p2m entry maps {@code frame}, read-only: its count goes up by one, and it belongs to
     * {@link #SHARED} from now on (to no VM, so that none may write it in place).
     */
    public void share(int frame) {
        checkAllocated(frame);
        if (VMM.equals(owners[frame])) {
            throw new IllegalArgumentException("machine frame " + frame + " is the VMM's own: it is never shared");
        }
        owners[frame] = SHARED;
        references[frame]++;
    }

    /**
     * The one entry left mapping shared {@code frame} takes it as its own: it belongs to
     * {@code owner} again, and may be written in place (no copy is needed, no one else sees it).
     */
    public void makePrivate(int frame, String owner) {
        checkAllocated(frame);
        if (references[frame] != 1) {
            throw new IllegalStateException("machine frame " + frame + " has " + references[frame]
                    + " references: only a frame with one can become private");
        }
        owners[frame] = owner;
    }

    /** How a write to a shared frame gets a frame of its own: {@link CopyOnWrite#ALWAYS_COPY} unless told. */
    public CopyOnWrite copyOnWrite() {
        return copyOnWrite;
    }

    /** Makes {@code rule} the copy-on-write break of every VM whose frames come from here. */
    public void useCopyOnWrite(CopyOnWrite rule) {
        this.copyOnWrite = java.util.Objects.requireNonNull(rule, "rule");
    }

    /** Drops one reference to {@code frame}; with the last one it is free again. */
    public void release(int frame) {
        checkAllocated(frame);
        if (--references[frame] == 0) {
            owners[frame] = null;
            free.addFirst(frame);
        }
    }

    private void checkAllocated(int frame) {
        if (owner(frame) == null) {
            throw new IllegalStateException("machine frame " + frame + " is not allocated");
        }
    }

    /** Who owns {@code frame} ({@link #SHARED} if it is shared), or null if it is free (or reserved). */
    public String owner(int frame) {
        return frame >= 0 && frame < owners.length ? owners[frame] : null;
    }

    /** How many p2m entries (or other holders) reference {@code frame}: 0 if it is free. */
    public int references(int frame) {
        return frame >= 0 && frame < references.length ? references[frame] : 0;
    }

    /** True if {@code frame} is shared copy-on-write: it must be mapped read-only. */
    public boolean isShared(int frame) {
        return SHARED.equals(owner(frame));
    }

    public int freeFrames() {
        return free.size();
    }

    public PhysicalMemory memory() {
        return memory;
    }

    private void zero(int frame) {
        int base = frame << PhysicalMemory.PAGE_SHIFT;
        for (int i = 0; i < PhysicalMemory.PAGE_SIZE; i += 4) {
            memory.writeWord(base + i, 0);
        }
    }

    /** The machine has no free frame left. */
    public static final class OutOfMachineMemory extends RuntimeException {
        public OutOfMachineMemory(String message) {
            super(message);
        }
    }
}
