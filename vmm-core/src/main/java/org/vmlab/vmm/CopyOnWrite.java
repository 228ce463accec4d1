package org.vmlab.vmm;

/**
 * How a write to a shared machine frame gets a frame of its own: the copy-on-write break of
 * content-based page sharing [Waldspurger, OSDI 2002, section 4.1]. {@link GuestPhysicalMemory}
 * asks it whenever anyone (the guest through its fault, the VMM, a device's DMA) is about to write
 * a guest frame whose machine frame is shared, then maps the frame it returns, privately, where
 * the shared one was. The VMM's choice is installed on its allocator
 * ({@link MachineFrames#useCopyOnWrite}).
 */
@FunctionalInterface
public interface CopyOnWrite {
    /**
     * A machine frame of {@code writer}'s own holding {@code sharedFrame}'s bytes, which the writer
     * may write without any other sharer seeing it; the writer's reference to the shared frame is
     * given up. The other sharers keep the shared frame as it is.
     *
     * @param frames      the VMM's allocator, which counts the shared frame's references
     * @param sharedFrame the shared machine frame the writer maps now
     * @param writer      the VM that writes (the owner of the frame returned)
     * @return the writer's private frame
     * @throws MachineFrames.OutOfMachineMemory if a copy is needed and no frame is free
     */
    int privateFrame(MachineFrames frames, int sharedFrame, String writer);

    /**
     * The plain break, which a VMM without page-sharing rules of its own uses: every writer gets a
     * copy and drops its reference, even the last sharer (which could have taken the frame as it
     * is, without a free frame for the copy).
     */
    CopyOnWrite ALWAYS_COPY = (frames, frame, who) -> {
        int fresh = frames.copyOf(frame, who);
        frames.release(frame);
        return fresh;
    };
}
