package org.vmlab.labs.lab7;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vmlab.grader.Graded;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.lab1.TrapAndEmulateTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.GuestPhysicalMemory;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MachineFrames;
import org.vmlab.vmm.P2mEntry;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;
import org.vmlab.vmm.overcommit.PageSharingScanner;
import org.vmlab.vmm.overcommit.SharingRules;
import org.vmlab.vmm.overcommit.SharingRules.Found;
import org.vmlab.vmm.overcommit.SharingRules.Step;

/**
 * Lab 7, overcommit and live migration: the visible graded tests of part A (your page-sharing
 * rules), part B (your copy-on-write break) and part C (your pre-copy loop). Part A's rules are
 * asked directly, then drive the VMM's scanner over identical toyos VMs (under your Lab 1 and
 * Lab 3), which must save machine frames and still run exactly as on bare metal.
 */
class Lab7Test {
    private static final int WORDS = PhysicalMemory.PAGE_SIZE / 4;

    private final SharingRules rules = new PageSharingRules();

    @Test
    @Graded(points = 2, number = "7.1", name = "candidates: only a frame of the VM's own is worth hashing")
    void candidates() {
        assertThat(rules.candidate(new P2mEntry.Ram(7))).as("a private frame (P2mEntry.Ram) is not a candidate:"
                + " nothing would ever be shared").isTrue();
        assertThat(rules.candidate(P2mEntry.ABSENT)).as("a frame never touched (Absent) is a candidate: hashing it"
                + " would back it with a machine frame, to save nothing").isFalse();
        assertThat(rules.candidate(P2mEntry.BALLOONED)).as("a ballooned frame is a candidate: it has no machine frame,"
                + " and the guest gave it back").isFalse();
        assertThat(rules.candidate(new P2mEntry.Shared(7))).as("a shared frame is a candidate: it is shared"
                + " already, and scanning it again saves nothing").isFalse();
    }

    @Test
    @Graded(points = 3, number = "7.2", name = "the hash: equal pages hash equal, a change of any byte changes it")
    void hashOfContents() {
        Random random = new Random(7);
        int[] page = randomPage(random);
        int[] copy = page.clone();
        assertThat(rules.hash(copy)).as("two pages with the same words hash differently: identical pages would"
                + " never meet in the table").isEqualTo(rules.hash(page));
        assertThat(copy).as("hash(words) changed the words it was given").isEqualTo(page);
        for (int word : new int[] {0, 1, WORDS / 2, WORDS - 1}) {
            for (int b = 0; b < 4; b++) {
                int[] changed = page.clone();
                changed[word] ^= 1 << (8 * b);
                assertThat(rules.hash(changed)).as("changing byte %d of word %d does not change the hash: does it"
                        + " read every byte of every word?", b, word).isNotEqualTo(rules.hash(page));
            }
        }
        Set<Long> hashes = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            hashes.add(rules.hash(randomPage(random)));
        }
        assertThat(hashes).as("2,000 random pages gave only %d distinct hashes: the table would be full of"
                + " collisions, each a full comparison for nothing", hashes.size()).hasSizeGreaterThan(1990);
        int[] zeros = new int[WORDS];
        int[] oneAtTheEnd = new int[WORDS];
        oneAtTheEnd[WORDS - 1] = 1;
        assertThat(rules.hash(zeros)).as("a zero page and one with a 1 in its last word hash the same")
                .isNotEqualTo(rules.hash(oneAtTheEnd));
    }

    @Test
    @Graded(points = 3, number = "7.3", name = "the scan step: hint, share, or leave")
    void scanSteps() {
        assertThat(rules.onHashed(Found.NOTHING)).as("nothing in the table under this hash: the page must become"
                + " a hint, or no later page could ever match it").isEqualTo(Step.REMEMBER_AS_HINT);
        assertThat(rules.onHashed(Found.A_HINT)).as("a hint under the same hash: the two may be identical, and"
                + " sharing them is the point").isEqualTo(Step.SHARE_IF_IDENTICAL);
        assertThat(rules.onHashed(Found.A_SHARED_PAGE)).as("a shared page under the same hash: this page may join"
                + " it").isEqualTo(Step.SHARE_IF_IDENTICAL);
        assertThat(rules.onHashed(Found.A_PAGE_GONE)).as("the table's page is gone (its VM stopped, or it was"
                + " ballooned): this page must take its place as the hint").isEqualTo(Step.REMEMBER_AS_HINT);
        assertThat(rules.onHashed(Found.THIS_PAGE)).as("the table holds this very page: nothing to share it with")
                .isNotEqualTo(Step.SHARE_IF_IDENTICAL);
    }

    @Test
    @Graded(points = 3, number = "7.4", name = "copy-on-write: a writer gets a copy, the other sharers keep the frame")
    void copyOnWriteCopies() {
        MachineFrames frames = frames(16);
        int shared = sharedFrameOf(frames, 3, 0x1234_5678);
        int free = frames.freeFrames();

        int mine = rules.privateFrame(frames, shared, "vm1");

        assertThat(mine).as("the writer was given the shared frame itself while two others still map it: they"
                + " would see its write").isNotEqualTo(shared);
        assertThat(frames.owner(mine)).as("the writer's frame is not the writer's").isEqualTo("vm1");
        assertThat(frames.memory().readWord(mine << 12)).as("the writer's frame does not hold the shared bytes:"
                + " the write lands on a page that lost its contents").isEqualTo(0x1234_5678);
        assertThat(frames.references(shared)).as("the shared frame still counts the writer's reference: it will"
                + " never be freed (frames.release)").isEqualTo(2);
        assertThat(frames.freeFrames()).as("one frame more than the copy was taken").isEqualTo(free - 1);
    }

    @Test
    @Graded(points = 2, number = "7.5", name = "copy-on-write: the last sharer takes the frame, with no copy")
    void copyOnWriteLastSharer() {
        MachineFrames frames = frames(4);
        int shared = sharedFrameOf(frames, 1, 42);
        while (frames.freeFrames() > 0) {
            frames.allocate("someone else");
        }

        int mine = rules.privateFrame(frames, shared, "vm1");

        assertThat(mine).as("the last sharer was given a copy: a frame is taken for nothing (and here, with"
                + " memory full, the write would stop the VM)").isEqualTo(shared);
        assertThat(frames.owner(mine)).as("the frame is not the writer's own again (frames.makePrivate)")
                .isEqualTo("vm1");
    }

    @Test
    @Graded(points = 4, number = "7.6", name = "four identical toyos VMs share frames and each runs as on bare metal")
    void toyosSharesAndRunsExactly() {
        int withoutSharing = inUse(toyosVms(4, false));   // counted, then let go: two 80 MB hosts at once do not fit the grader's heap
        Hypervisor with = toyosVms(4, true);
        RunResult bare = bareToyos("all");
        for (VirtualMachine vm : with.vms()) {
            assertThat(Equivalence.compare(bare, vm.result()).differences()).as("%s, with your page sharing", vm.name())
                    .isEmpty();
        }
        long saved = with.vms().stream().mapToLong(vm -> vm.counters().named(PageSharingScanner.SAVED)).sum();
        assertThat(saved).as("machine frames saved by sharing four identical toyos VMs").isGreaterThan(30);
        assertThat(inUse(with)).as("machine frames in use at the end, with sharing, against %d without", withoutSharing)
                .isLessThan(withoutSharing - 30);
    }

    @Test
    @Graded(points = 3, number = "7.7", name = "no VM sees another's write to a page they shared")
    void noVmSeesAnothersWrite() {
        Hypervisor vmm = host();
        List<VirtualMachine> vms = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            VirtualMachine vm = vmm.create(VmConfig.named("vm" + i).withFuel(1_000_000),
                    new TrapAndEmulateTechnique().create(), new ShadowPagingTechnique().create());
            vm.memory().writeWord(0x5000, 0xCAFE);
            vm.memory().writeWord(0x6000, 0xCAFE);
            vms.add(vm);
        }
        PageSharingScanner scanner = new PageSharingScanner(vmm, 64, rules);
        scanner.afterSlice(vms.get(0));
        GuestPhysicalMemory a = vms.get(0).memory();
        GuestPhysicalMemory b = vms.get(1).memory();
        assertThat(a.isShared(5) && b.isShared(5)).as("guest frame 5 of two VMs, same bytes, is not shared after a"
                + " scan of every page").isTrue();

        a.writeWord(0x5004, 1);
        b.writeWord(0x6004, 2);

        assertThat(b.readWord(0x5004)).as("vm2 sees vm1's write to a page they shared").isZero();
        assertThat(a.readWord(0x6004)).as("vm1 sees vm2's write to a page they shared").isZero();
        assertThat(a.readWord(0x5004)).isEqualTo(1);
        assertThat(b.readWord(0x6004)).isEqualTo(2);
        assertThat(a.readWord(0x6000)).as("vm1's own copy of a page lost its bytes").isEqualTo(0xCAFE);
    }

    // --- helpers ----------------------------------------------------------------------------------

    private static int[] randomPage(Random random) {
        int[] page = new int[WORDS];
        for (int i = 0; i < page.length; i++) {
            page[i] = random.nextInt();
        }
        return page;
    }

    private static MachineFrames frames(int count) {
        return new MachineFrames(new PhysicalMemory(count * PhysicalMemory.PAGE_SIZE), 0);
    }

    /** A frame holding {@code word} first, shared by {@code sharers} entries. */
    private static int sharedFrameOf(MachineFrames frames, int sharers, int word) {
        int frame = frames.allocate("vm0");
        frames.memory().writeWord(frame << 12, word);
        for (int i = 0; i < sharers; i++) {
            frames.share(frame);
        }
        frames.release(frame);   // vm0's own reference: the frame is the sharers'
        return frame;
    }

    static Hypervisor host() {
        return new Hypervisor(MachineConfig.builder().memoryBytes(80 << 20).fuel(Long.MAX_VALUE).build(),
                VmmCostModel.DEFAULT);
    }

    /** {@code count} toyos VMs under your Lab 1 and Lab 3, run to the end, with your sharing or none. */
    static Hypervisor toyosVms(int count, boolean sharing) {
        Hypervisor vmm = host();
        for (int i = 1; i <= count; i++) {
            VirtualMachine vm = vmm.create(VmConfig.named("vm" + i).withFuel(Toyos.FUEL),
                    new TrapAndEmulateTechnique().create(), new ShadowPagingTechnique().create());
            Toyos.boot(vm, Toyos.image(Toyos.Flavor.NATIVE), "all");
        }
        if (sharing) {
            vmm.betweenSlices(new PageSharingScanner(vmm, PageSharingScanner.DEFAULT_PAGES_PER_SLICE,
                    new PageSharingRules()));
        }
        vmm.run();
        return vmm;
    }

    static int inUse(Hypervisor vmm) {
        return vmm.frames().memory().frames() - vmm.frames().freeFrames();
    }

    static RunResult bareToyos(String workload) {
        Machine machine = new Machine(MachineConfig.builder().fuel(Toyos.FUEL).build());
        Toyos.boot(machine, Toyos.image(Toyos.Flavor.NATIVE), workload);
        return machine.run();
    }
}
