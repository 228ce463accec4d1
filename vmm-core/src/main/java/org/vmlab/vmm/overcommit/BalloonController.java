package org.vmlab.vmm.overcommit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MachineFrames;
import org.vmlab.vmm.SliceHook;
import org.vmlab.vmm.VirtualMachine;

/**
 * The VMM's memory policy for an overcommitted machine, after VMware ESX Server [C. A. Waldspurger,
 * "Memory Resource Management in VMware ESX Server", OSDI 2002, sections 3, 5 and 6]. Between
 * slices it looks at the machine's free frames: below the low-water mark it asks a VM's balloon
 * driver for frames back (raising its {@linkplain Balloon#setTarget target}) until the free frames
 * would be back at the high-water mark; above the high-water mark it lowers the targets again, so
 * that the guests get their memory back when the machine has it to spare.
 *
 * <p>Which VM gives memory back is section 6's choice: the one with the fewest shares per page,
 * with idle pages taxed ({@link IdleMemoryTax}; a rate of 0 is plain proportional sharing); memory
 * goes back first to the one with the most. Every VM has {@link #DEFAULT_SHARES} shares unless
 * {@linkplain #setShares told}.
 *
 * <p>Ballooning first, then page sharing: a guest's driver may refuse (a driver that ignores the
 * target, or a guest with nothing left to spare). A VM whose balloon has not moved toward its
 * target in {@link #STALLED_SLICES} of its own slices is <em>unresponsive</em>. While the VM the
 * policy would take from is unresponsive, it does not take from the others instead (their claim
 * is the better one: ESX would page the unresponsive VM out to its swap file, which the simulator
 * does not have), but gives the page-sharing scanner, if there is one, an extra pass after each
 * slice. A VM that then asks for a frame when none is free stops with the reason
 * {@code RESOURCE_LIMIT} ("the machine is out of memory"), and the others go on.
 */
public final class BalloonController implements SliceHook {
    /** A VM's shares unless told otherwise (ESX's unit is arbitrary; only ratios matter). */
    public static final long DEFAULT_SHARES = 1000;
    /** A VM's own slices without progress toward its target before the policy stops counting on it. */
    public static final int STALLED_SLICES = 4;

    private final Hypervisor vmm;
    private final MachineFrames frames;
    private final int lowWater;
    private final int highWater;
    private final IdleMemoryTax tax;
    private final PageSharingScanner fallback;
    private final Map<VirtualMachine, Long> shares = new HashMap<>();
    private final Map<VirtualMachine, Progress> progress = new HashMap<>();
    private long targetChanges;
    private long sharingPasses;

    /** How one VM's balloon follows its target. */
    private static final class Progress {
        int lastSize;
        int stalled;
    }

    /**
     * A policy for {@code vmm}'s VMs.
     *
     * @param lowWater  free machine frames below which memory is reclaimed
     * @param highWater free machine frames the reclaim aims at, and above which it is given back
     * @param tax       the idle memory tax ({@code new IdleMemoryTax(0)} for none)
     * @param fallback  the page-sharing scanner to give extra passes when ballooning falls short,
     *                  or null
     */
    public BalloonController(Hypervisor vmm, int lowWater, int highWater, IdleMemoryTax tax,
            PageSharingScanner fallback) {
        if (lowWater < 0 || highWater < lowWater) {
            throw new IllegalArgumentException("the water marks must be 0 <= low <= high, were "
                    + lowWater + " and " + highWater);
        }
        this.vmm = vmm;
        this.frames = vmm.frames();
        this.lowWater = lowWater;
        this.highWater = highWater;
        this.tax = tax;
        this.fallback = fallback;
    }

    /**
     * The low-water mark the policy uses unless told otherwise on a machine of {@code machineFrames}
     * frames: an eighth of them, at least 8 (an estimate: enough for what one slice of a toyos VM
     * may take, since the policy acts only between slices). The high-water mark is twice it.
     */
    public static int defaultLowWater(int machineFrames) {
        return Math.max(8, machineFrames / 8);
    }

    /** A policy with the default water marks for {@code vmm}'s machine ({@link #defaultLowWater}). */
    public static BalloonController withDefaults(Hypervisor vmm, IdleMemoryTax tax, PageSharingScanner fallback) {
        int low = defaultLowWater(vmm.frames().memory().frames());
        return new BalloonController(vmm, low, 2 * low, tax, fallback);
    }

    /** {@code vm}'s shares: its claim to memory relative to the others'. */
    public void setShares(VirtualMachine vm, long vmShares) {
        if (vmShares <= 0) {
            throw new IllegalArgumentException("shares must be positive, was " + vmShares);
        }
        shares.put(vm, vmShares);
    }

    public int lowWater() {
        return lowWater;
    }

    public int highWater() {
        return highWater;
    }

    /** Times the policy changed a balloon target. */
    public long targetChanges() {
        return targetChanges;
    }

    /** Extra passes it gave the page-sharing scanner because ballooning fell short. */
    public long sharingPasses() {
        return sharingPasses;
    }

    /** True if {@code vm}'s balloon has not moved toward its target for a while. */
    public boolean unresponsive(VirtualMachine vm) {
        Progress p = progress.get(vm);
        return p != null && p.stalled >= STALLED_SLICES;
    }

    /** {@code vm}'s shares-per-page ratio now (section 6): the lowest gives memory back first. */
    public double sharesPerPage(VirtualMachine vm) {
        return tax.sharesPerPage(vm, shares.getOrDefault(vm, DEFAULT_SHARES), vm.memory().framesInUse());
    }

    @Override
    public void afterSlice(VirtualMachine ran) {
        tax.afterSlice(ran);
        follow(ran);
        int free = frames.freeFrames();
        if (free < lowWater) {
            boolean asked = reclaim(highWater - free);
            if (!asked && fallback != null) {
                sharingPasses++;
                fallback.afterSlice(ran);
            }
        } else if (free > highWater) {
            giveBack(free - highWater);
        }
    }

    private void follow(VirtualMachine vm) {
        Progress p = progress.computeIfAbsent(vm, v -> new Progress());
        Balloon balloon = vm.balloon();
        if (balloon.size() < balloon.target() && balloon.size() <= p.lastSize) {
            p.stalled++;
        } else {
            p.stalled = 0;
        }
        p.lastSize = balloon.size();
    }

    /**
     * Asks for {@code wanted} frames, less what balloons are already inflating toward, from the VM
     * with the fewest shares per page that can still give (section 6). Returns false if that VM's
     * balloon does not respond: the policy does not take from the others instead (they have the
     * better claim), and falls back to sharing.
     */
    private boolean reclaim(int wanted) {
        int underway = 0;
        List<VirtualMachine> candidates = new ArrayList<>();
        for (VirtualMachine vm : vmm.vms()) {
            if (vm.stopped()) {
                continue;
            }
            Balloon balloon = vm.balloon();
            if (!unresponsive(vm)) {
                underway += Math.max(0, balloon.target() - balloon.size());
            }
            if (balloon.target() < vm.memory().frames()) {
                candidates.add(vm);
            }
        }
        int more = wanted - underway;
        if (more <= 0) {
            return underway > 0;
        }
        if (candidates.isEmpty()) {
            return false;
        }
        VirtualMachine victim = candidates.stream()
                .min(Comparator.comparingDouble(this::sharesPerPage)).orElseThrow();
        if (unresponsive(victim)) {
            return false;
        }
        Balloon balloon = victim.balloon();
        balloon.setTarget(Math.max(balloon.target(), balloon.size()) + more);
        targetChanges++;
        return true;
    }

    /** Lowers balloon targets by {@code spare} frames in all, the VM with the most shares per page first. */
    private void giveBack(int spare) {
        List<VirtualMachine> holders = new ArrayList<>();
        for (VirtualMachine vm : vmm.vms()) {
            if (!vm.stopped() && vm.balloon().target() > 0) {
                holders.add(vm);
            }
        }
        holders.sort(Comparator.comparingDouble(this::sharesPerPage).reversed());
        for (VirtualMachine vm : holders) {
            if (spare <= 0) {
                return;
            }
            Balloon balloon = vm.balloon();
            int less = Math.min(spare, balloon.target());
            balloon.setTarget(balloon.target() - less);
            spare -= less;
            targetChanges++;
        }
    }
}
