package org.vmlab.vmm.overcommit;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.P2mEntry;
import org.vmlab.vmm.VirtualMachine;

/**
 * ESX Server's idle memory tax [C. A. Waldspurger, "Memory Resource Management in VMware ESX
 * Server", OSDI 2002, section 5]: memory is reclaimed first from the VM with the fewest shares per
 * page, where an idle page costs more than an active one. With shares S, P pages, a fraction f of
 * them active and a tax rate τ (0 ≤ τ < 1), the shares-per-page ratio is
 * <pre>ρ = S / (P · (f + k · (1 − f))),  k = 1 / (1 − τ)</pre>
 * so τ = 0 is plain proportional sharing (ρ = S / P) and ESX's default τ = 0.75 charges an idle
 * page as four active ones.
 *
 * <p>The active fraction is estimated by sampling, as in section 5.2, with one documented
 * simplification: ESX invalidates the mappings of n randomly chosen pages and counts the ones the
 * guest touches within a period; here the guest's loads and stores run on the real MMU without
 * the VMM, so a page counts as active if its contents changed within the period (its hash
 * differs, or it lost its private frame). Read-only use goes unseen, so the estimate is of the
 * pages written: a lower bound on the active fraction. Each hash is charged to its VM as a
 * {@link CoreEvent#PAGE_SCAN}, the scanner's cost of hashing a page. As in ESX, the estimate is
 * the larger of a slow and a fast exponentially weighted average of the samples, so that it rises
 * quickly when a VM's use grows and falls slowly when it shrinks.
 */
public final class IdleMemoryTax {
    /** ESX Server's default tax rate (section 5.1). */
    public static final double DEFAULT_RATE = 0.75;
    /** Pages sampled per VM and period (ESX samples 100 a period; toyos VMs back fewer). */
    public static final int DEFAULT_SAMPLES = 16;
    /** The VM's own slices a sampling period lasts. */
    public static final int DEFAULT_PERIOD_SLICES = 4;

    // Weights of the new sample in the slow and the fast average (estimates; ESX's are not given).
    private static final double SLOW = 0.1;
    private static final double FAST = 0.5;

    private final double rate;
    private final int samples;
    private final int periodSlices;
    private final Map<VirtualMachine, Sampling> sampling = new HashMap<>();
    private final SplittableRandom random = new SplittableRandom(0x5EED);

    /** What is known of one VM: the pages of the current period and the averages so far. */
    private static final class Sampling {
        int[] gfns = new int[0];
        long[] hashes = new long[0];
        int slices;
        double slow = 1.0;    // no evidence yet: every page active, no tax
        double fast = 1.0;
    }

    /** A tax of {@code rate} with the default sampling. */
    public IdleMemoryTax(double rate) {
        this(rate, DEFAULT_SAMPLES, DEFAULT_PERIOD_SLICES);
    }

    /**
     * A tax of {@code rate} (0 ≤ rate &lt; 1), estimating each VM's active fraction from
     * {@code samples} pages every {@code periodSlices} of its slices.
     */
    public IdleMemoryTax(double rate, int samples, int periodSlices) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("the idle memory tax rate must be in [0, 1), was " + rate);
        }
        if (samples <= 0 || periodSlices <= 0) {
            throw new IllegalArgumentException("sampling needs at least one page and one slice a period");
        }
        this.rate = rate;
        this.samples = samples;
        this.periodSlices = periodSlices;
    }

    public double rate() {
        return rate;
    }

    /** {@code vm} ran a slice: at the end of its period, count the sampled pages that changed and start another. */
    public void afterSlice(VirtualMachine vm) {
        Sampling s = sampling.computeIfAbsent(vm, v -> new Sampling());
        if (++s.slices < periodSlices) {
            return;
        }
        s.slices = 0;
        GuestPhysicalMemory memory = vm.memory();
        if (s.gfns.length > 0) {
            int active = 0;
            for (int i = 0; i < s.gfns.length; i++) {
                if (!(memory.entry(s.gfns[i]) instanceof P2mEntry.Ram) || hash(vm, s.gfns[i]) != s.hashes[i]) {
                    active++;
                }
            }
            double fraction = (double) active / s.gfns.length;
            s.slow += SLOW * (fraction - s.slow);
            s.fast += FAST * (fraction - s.fast);
        }
        choose(vm, s);
    }

    private void choose(VirtualMachine vm, Sampling s) {
        GuestPhysicalMemory memory = vm.memory();
        int[] backed = new int[memory.frames()];
        int n = 0;
        for (int gfn = 0; gfn < memory.frames(); gfn++) {
            if (memory.entry(gfn) instanceof P2mEntry.Ram) {
                backed[n++] = gfn;
            }
        }
        int k = Math.min(samples, n);
        s.gfns = new int[k];
        s.hashes = new long[k];
        for (int i = 0; i < k; i++) {
            int pick = i + random.nextInt(n - i);   // a partial Fisher-Yates shuffle: k distinct pages
            int t = backed[i];
            backed[i] = backed[pick];
            backed[pick] = t;
            s.gfns[i] = backed[i];
            s.hashes[i] = hash(vm, backed[i]);
        }
    }

    private static long hash(VirtualMachine vm, int gfn) {
        vm.counters().event(CoreEvent.PAGE_SCAN);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(vm.memory().pageContents(gfn));   // a sampled page is backed: only a change matters here
        return crc.getValue();
    }

    /** The estimated fraction f of {@code vm}'s pages in active use (1 until sampled). */
    public double activeFraction(VirtualMachine vm) {
        Sampling s = sampling.get(vm);
        return s == null ? 1.0 : Math.max(s.slow, s.fast);
    }

    /**
     * The shares-per-page ratio ρ of {@code vm} with {@code shares} shares and {@code pages}
     * pages: the VM with the lowest gives memory back first.
     */
    public double sharesPerPage(VirtualMachine vm, long shares, int pages) {
        double f = activeFraction(vm);
        double k = 1 / (1 - rate);
        return shares / (Math.max(pages, 1) * (f + k * (1 - f)));
    }
}
