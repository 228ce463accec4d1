package org.vmlab.vmm;

import java.util.ArrayDeque;
import java.util.Deque;
import org.vmlab.machine.memory.PhysicalMemory;

/**
 * The VMM's allocator of machine frames: every frame of the real machine's memory is either free
 * or handed to one owner (a VM's guest-physical memory, or the VMM itself for its shadow page
 * tables). The VMM alone decides; no guest can change who owns what.
 */
public final class MachineFrames {
    /** The owner of frames the VMM keeps for itself. */
    public static final String VMM = "vmm";

    private final PhysicalMemory memory;
    private final String[] owners;
    private final Deque<Integer> free = new ArrayDeque<>();

    /** Manages every frame of {@code memory} except the first {@code reserved}, which stay out. */
    public MachineFrames(PhysicalMemory memory, int reserved) {
        this.memory = memory;
        this.owners = new String[memory.frames()];
        for (int f = reserved; f < memory.frames(); f++) {
            free.addLast(f);
        }
    }

    /**
     * A zeroed frame for {@code owner}.
     *
     * @throws OutOfMachineMemory if no frame is free
     */
    public int allocate(String owner) {
        Integer frame = free.pollFirst();
        if (frame == null) {
            throw new OutOfMachineMemory("no free machine frame for " + owner
                    + " (" + owners.length + " frames in all)");
        }
        owners[frame] = owner;
        zero(frame);
        return frame;
    }

    /**
     * Hands out the particular frame {@code frame} to {@code owner}, zeroed.
     *
     * @throws OutOfMachineMemory if it is not free
     */
    public int claim(int frame, String owner) {
        if (frame < 0 || frame >= owners.length || !free.remove(frame)) {
            throw new OutOfMachineMemory("machine frame " + frame + " is not free for " + owner
                    + (owner(frame) != null ? " (it belongs to " + owner(frame) + ")" : ""));
        }
        owners[frame] = owner;
        zero(frame);
        return frame;
    }

    /** Gives {@code frame} back. */
    public void release(int frame) {
        if (owners[frame] == null) {
            throw new IllegalStateException("machine frame " + frame + " is not allocated");
        }
        owners[frame] = null;
        free.addFirst(frame);
    }

    /** Who owns {@code frame}, or null if it is free (or reserved). */
    public String owner(int frame) {
        return frame >= 0 && frame < owners.length ? owners[frame] : null;
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
