package org.vmlab.vmm.overcommit;

import org.vmlab.machine.device.BalloonDevice;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.P2mEntry;
import org.vmlab.vmm.VmmCounters;

/**
 * The VMM's end of one VM's memory balloon [C. A. Waldspurger, "Memory Resource Management in
 * VMware ESX Server", OSDI 2002, section 3]: it sets the target the guest's driver reads, and
 * when the driver inflates the balloon by a guest frame it releases the machine frame behind it
 * ({@link GuestPhysicalMemory#balloon}); when the driver deflates it, the frame is the guest's
 * again ({@link GuestPhysicalMemory#unballoon}) and reads as zeros until its first use backs it.
 * From then on any touch of a ballooned frame, by the guest, the VMM or a device, stops the VM
 * ({@link GuestPhysicalMemory.BalloonedPageAccess}).
 *
 * <p>Nothing a guest writes to the device throws out of the VMM: the device refuses a frame that
 * is not RAM or is in the wrong state, and this end refuses a frame of memory whose frames may not
 * move ({@link GuestPhysicalMemory#whyNotSharable}: machine memory backed identically, or frames
 * pinned in place), and counts each refusal. Every VM has one ({@code vm.balloon()}); with the
 * target left at 0, as on bare metal, nothing changes.
 *
 * <p>Counters in the VM's {@link VmmCounters}: {@value #INFLATED} (frames given back),
 * {@value #DEFLATED} (frames taken back), {@value #SIZE} (frames given back now), {@value #RECLAIMED}
 * (machine frames released by inflating: a frame never touched had none) and {@value #REJECTED}
 * (inflates and deflates refused).
 */
public final class Balloon implements BalloonDevice.Host {
    /** Counter: frames the guest gave back. */
    public static final String INFLATED = "balloon.inflated";
    /** Counter: frames the guest took back. */
    public static final String DEFLATED = "balloon.deflated";
    /** Counter: frames given back now (inflated less deflated). */
    public static final String SIZE = "balloon.size";
    /** Counter: machine frames released because the guest gave their guest frame back. */
    public static final String RECLAIMED = "balloon.reclaimed";
    /** Counter: inflates and deflates refused (a frame that is not RAM, in the wrong state, pinned). */
    public static final String REJECTED = "balloon.rejected";

    private final GuestPhysicalMemory memory;
    private final BalloonDevice device;
    private final VmmCounters counters;

    /** The VMM's end of {@code device}, the balloon of the VM whose memory is {@code memory}. */
    public Balloon(GuestPhysicalMemory memory, BalloonDevice device, VmmCounters counters) {
        this.memory = memory;
        this.device = device;
        this.counters = counters;
        device.setHost(this);
    }

    /** Asks the guest to give {@code frames} frames back in all (it reads this when it polls). */
    public void setTarget(int frames) {
        device.setTarget(Math.max(0, Math.min(frames, memory.frames())));
    }

    /** The frames the VMM asks the guest to give back. */
    public int target() {
        return device.target();
    }

    /** The frames the guest has given back now. */
    public int size() {
        return device.size();
    }

    /** Inflates and deflates refused so far. */
    public long rejected() {
        return device.rejected();
    }

    @Override
    public boolean inflate(int gfn) {
        if (gfn >= memory.frames() || memory.whyNotSharable().isPresent() || memory.isBallooned(gfn)) {
            return false;
        }
        boolean backed = memory.entry(gfn) instanceof P2mEntry.Backed;
        try {
            memory.balloon(gfn);
        } catch (IllegalStateException e) {
            return false;   // the p2m says no (a hostile or broken driver): refused and counted
        }
        counters.add(INFLATED, 1);
        counters.add(SIZE, 1);
        if (backed) {
            counters.add(RECLAIMED, 1);
        }
        return true;
    }

    @Override
    public boolean deflate(int gfn) {
        if (gfn >= memory.frames() || !memory.isBallooned(gfn)) {
            return false;
        }
        memory.unballoon(gfn);
        counters.add(DEFLATED, 1);
        counters.add(SIZE, -1);
        return true;
    }

    @Override
    public void rejected(int frame, boolean inflate, int status) {
        counters.add(REJECTED, 1);
    }
}
