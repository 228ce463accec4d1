package org.vmlab.labs.reference;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import org.vmlab.cpu.bt.BinaryTranslation;
import org.vmlab.cpu.hardware.HardwareAssist;
import org.vmlab.labs.lab6.EptViolationHandler;
import org.vmlab.memory.nested.NestedPaging;
import org.vmlab.cpu.trapemulate.TrapAndEmulate;
import org.vmlab.labs.GuestRuns;
import org.vmlab.labs.lab1.PrivilegedInstructionEmulator;
import org.vmlab.labs.lab1.TrapAndEmulateHandler;
import org.vmlab.labs.lab2.BinaryTranslationRules;
import org.vmlab.labs.lab3.ShadowPagingRules;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.memory.identity.IdentityPaging;
import org.vmlab.memory.shadow.ShadowPaging;
import org.vmlab.device.emulated.EmulatedDevices;
import org.vmlab.device.passthrough.Passthrough;
import org.vmlab.labs.lab5.IommuProgramming;
import org.vmlab.labs.lab6.VmExitRules;
import org.vmlab.labs.lab6.VmcsSetupRules;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.DeviceVirtualization;
import org.vmlab.vmm.Hosting;
import org.vmlab.vmm.MemoryVirtualization;

/**
 * The differential property of the reference VMM: any kernel, not only toyos, runs under every
 * technique exactly as on bare metal. jqwik generates random kernels ({@link RandomKernel}) and
 * each runs on bare metal and in a VM, instruction by instruction and then a slice at a time
 * ({@link GuestRuns#assertRunsLikeBareMetal}); a failure names the first divergent instruction,
 * and jqwik shrinks the kernel to the fewest actions that still diverge.
 *
 * <p>The seed is fixed so that the build is repeatable; to explore other kernels, change the
 * seed (or remove it) and raise {@link #TRIES}: 150 tries of each property with seed 777 pass too.
 */
class RandomKernelProperties {

    private static final int TRIES = 40;

    static CpuVirtualization trapAndEmulate() {
        return new TrapAndEmulate(new TrapAndEmulateHandler(new PrivilegedInstructionEmulator()));
    }

    static CpuVirtualization binaryTranslation() {
        return new BinaryTranslation(new BinaryTranslationRules(), new PrivilegedInstructionEmulator());
    }

    static MemoryVirtualization shadow() {
        return new ShadowPaging(new ShadowPagingRules());
    }

    private static void runsLikeBareMetal(RandomKernel kernel, IsaVariant isa,
            Supplier<CpuVirtualization> cpu, Supplier<MemoryVirtualization> memory) {
        runsLikeBareMetal(kernel, isa, cpu, memory, DeviceVirtualization::emulated);
    }

    private static void runsLikeBareMetal(RandomKernel kernel, IsaVariant isa, Supplier<CpuVirtualization> cpu,
            Supplier<MemoryVirtualization> memory, Supplier<DeviceVirtualization> devices) {
        Image image = kernel.image();
        try {
            GuestRuns.assertRunsLikeBareMetal(image, isa, cpu, memory, devices);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n--- the kernel ---\n" + kernel.source(), e);
        }
    }

    @Property(tries = TRIES, seed = "20261202", shrinking = ShrinkingMode.BOUNDED)
    void trapAndEmulateOnClassicWithIdentityPaging(@ForAll("kernels") RandomKernel kernel) {
        runsLikeBareMetal(kernel, IsaVariant.CLASSIC, RandomKernelProperties::trapAndEmulate,
                IdentityPaging::new);
    }

    @Property(tries = TRIES, seed = "20261202", shrinking = ShrinkingMode.BOUNDED)
    void trapAndEmulateOnClassicWithShadowPaging(@ForAll("kernels") RandomKernel kernel) {
        runsLikeBareMetal(kernel, IsaVariant.CLASSIC, RandomKernelProperties::trapAndEmulate,
                RandomKernelProperties::shadow);
    }

    @Property(tries = TRIES, seed = "20261202", shrinking = ShrinkingMode.BOUNDED)
    void binaryTranslationOnLegacyWithIdentityPaging(@ForAll("legacyKernels") RandomKernel kernel) {
        runsLikeBareMetal(kernel, IsaVariant.LEGACY, RandomKernelProperties::binaryTranslation,
                IdentityPaging::new);
    }

    @Property(tries = TRIES, seed = "20261202", shrinking = ShrinkingMode.BOUNDED)
    void binaryTranslationOnLegacyWithShadowPaging(@ForAll("legacyKernels") RandomKernel kernel) {
        runsLikeBareMetal(kernel, IsaVariant.LEGACY, RandomKernelProperties::binaryTranslation,
                RandomKernelProperties::shadow);
    }

    /**
     * Binary translation that adapts: kernels with paging on whose stores write page tables in
     * loops (retranslated as callouts, then copied again when they write data), that rewrite cr4
     * with its own value (emulated in the cache) and use the devices' ports, in the cache or,
     * with the device models in a driver domain, by callouts.
     */
    @Property(tries = TRIES, seed = "20261202", shrinking = ShrinkingMode.BOUNDED)
    void binaryTranslationAdaptsOnLegacyWithShadowPaging(@ForAll("adaptiveKernels") RandomKernel kernel,
            @ForAll boolean modelsInADriverDomain) {
        Supplier<DeviceVirtualization> devices = modelsInADriverDomain
                ? () -> new EmulatedDevices(Hosting.BARE_METAL) : DeviceVirtualization::emulated;
        runsLikeBareMetal(kernel, IsaVariant.LEGACY, RandomKernelProperties::binaryTranslation,
                RandomKernelProperties::shadow, devices);
        Map<String, Long> counters = GuestRuns.vm(kernel.image(), IsaVariant.LEGACY, binaryTranslation(),
                shadow(), devices.get(), GuestRuns.PROGRAM_FUEL).run().counters();
        Statistics.label("a store adapted").collect(counters.getOrDefault("bt.adaptive_retranslations", 0L) > 0);
        Statistics.label("a store copied again").collect(counters.getOrDefault("bt.adaptive_reversions", 0L) > 0);
        Statistics.label("a store adapted").coverage(c -> c.check(true).percentage(p -> p >= 10));
        Statistics.label("a store copied again").coverage(c -> c.check(true).percentage(p -> p >= 5));
    }

    /** Legacy kernels with paging on, page-table loops and cr4 rewrites among their kernel actions. */
    @Provide
    Arbitrary<RandomKernel> adaptiveKernels() {
        Arbitrary<Integer> reg = Arbitraries.integers().between(1, 7);
        Arbitrary<RandomKernel.Action> loop = Combinators.combine(Arbitraries.integers().between(1, 6),
                Arbitraries.integers().between(1, 11), Arbitraries.integers().between(1, 14),
                Arbitraries.integers().between(1, 14))
                .as((page, frame, n, at) -> new RandomKernel.PageTableLoop(page, frame, n, Math.min(n, at)));
        Arbitrary<RandomKernel.Action> cr4 = reg.map(r -> new RandomKernel.Sensitive(
                "mfcr r" + r + ", cr4\n    mtcr cr4, r" + r));
        return Combinators.combine(
                Arbitraries.frequencyOf(Tuple.of(3, actions(true, true, true)), Tuple.of(2, loop), Tuple.of(1, cr4))
                        .list().ofMinSize(1).ofMaxSize(30),
                actions(true, false, false).list().ofMaxSize(10))
                .as((kernel, user) -> new RandomKernel(true, kernel, user));
    }

    static CpuVirtualization hardware() {
        return new HardwareAssist(new PrivilegedInstructionEmulator(), new VmcsSetupRules(), new VmExitRules());
    }

    @Property(tries = TRIES, seed = "20261202", shrinking = ShrinkingMode.BOUNDED)
    void hardwareOnLegacyWithIdentityPaging(@ForAll("legacyKernels") RandomKernel kernel) {
        runsLikeBareMetal(kernel, IsaVariant.LEGACY, RandomKernelProperties::hardware, IdentityPaging::new);
    }

    @Property(tries = TRIES, seed = "20261202", shrinking = ShrinkingMode.BOUNDED)
    void hardwareOnClassicWithShadowPaging(@ForAll("kernels") RandomKernel kernel) {
        runsLikeBareMetal(kernel, IsaVariant.CLASSIC, RandomKernelProperties::hardware,
                RandomKernelProperties::shadow);
    }

    static MemoryVirtualization nested() {
        return new NestedPaging(new EptViolationHandler());
    }

    @Property(tries = TRIES, seed = "20261202", shrinking = ShrinkingMode.BOUNDED)
    void hardwareOnLegacyWithNestedPaging(@ForAll("legacyKernels") RandomKernel kernel) {
        runsLikeBareMetal(kernel, IsaVariant.LEGACY, RandomKernelProperties::hardware, RandomKernelProperties::nested);
    }

    @Property(tries = TRIES, seed = "20261202", shrinking = ShrinkingMode.BOUNDED)
    void hardwareWithNestedPagingAndTheDevicesAssigned(@ForAll("deviceKernels") RandomKernel kernel) {
        runsLikeBareMetal(kernel, IsaVariant.CLASSIC, RandomKernelProperties::hardware,
                RandomKernelProperties::nested, () -> Passthrough.confined(new IommuProgramming()));
    }

    @Property(tries = TRIES, seed = "20261202", shrinking = ShrinkingMode.BOUNDED)
    void trapAndEmulateWithShadowPagingAndTheDevicesAssigned(@ForAll("deviceKernels") RandomKernel kernel) {
        runsLikeBareMetal(kernel, IsaVariant.CLASSIC, RandomKernelProperties::trapAndEmulate,
                RandomKernelProperties::shadow, () -> Passthrough.confined(new IommuProgramming()));
    }

    @Property(tries = TRIES, seed = "20261202", shrinking = ShrinkingMode.BOUNDED)
    void trapAndEmulateWithShadowPagingAndEmulatedDevicesInADriverDomain(@ForAll("deviceKernels") RandomKernel kernel) {
        runsLikeBareMetal(kernel, IsaVariant.CLASSIC, RandomKernelProperties::trapAndEmulate,
                RandomKernelProperties::shadow, () -> new EmulatedDevices(Hosting.BARE_METAL));
    }

    // --- the generator ------------------------------------------------------------------------

    /** Kernels that also drive the disk and (paging off) the network interface by DMA. */
    @Provide
    Arbitrary<RandomKernel> deviceKernels() {
        return Arbitraries.of(true, false).flatMap(paging -> Combinators.combine(
                Arbitraries.oneOf(actions(paging, true, true), devices(paging)).list().ofMinSize(1).ofMaxSize(30),
                actions(paging, false, true).list().ofMaxSize(10))
                .as((kernel, user) -> new RandomKernel(paging, kernel, user)));
    }

    private static Arbitrary<RandomKernel.Action> devices(boolean paging) {
        Arbitrary<RandomKernel.Action> disk = Combinators.combine(Arbitraries.integers().between(0, 15),
                Arbitraries.integers().between(1, 8), Arbitraries.of(true, false),
                Arbitraries.integers().between(1, 700)).as(RandomKernel.Disk::new);
        Arbitrary<RandomKernel.Action> nic = Combinators.combine(Arbitraries.integers().between(1, 1600),
                Arbitraries.integers().between(1, 1000)).as(RandomKernel.Nic::new);
        return paging ? disk : Arbitraries.oneOf(disk, nic);
    }

    /** Kernels for an ISA where every sensitive instruction traps (classic). */
    @Provide
    Arbitrary<RandomKernel> kernels() {
        return kernels(true);
    }

    /**
     * Kernels for binary translation on legacy, which runs the guest's user code directly, as
     * VMware did: there, {@code pushf}, {@code smsw} and {@code sidt} in user mode do not trap
     * and show the real IF, cr0 and interrupt table (docs/vmm.md); so user code here does not
     * use them. The guest kernel uses them all.
     */
    @Provide
    Arbitrary<RandomKernel> legacyKernels() {
        return kernels(false);
    }

    private static Arbitrary<RandomKernel> kernels(boolean userReadsSensitiveState) {
        return Arbitraries.of(true, false).flatMap(paging -> Combinators.combine(
                actions(paging, true, true).list().ofMinSize(1).ofMaxSize(30),
                actions(paging, false, userReadsSensitiveState).list().ofMaxSize(10))
                .as((kernel, user) -> new RandomKernel(paging, kernel, user)));
    }

    private static Arbitrary<RandomKernel.Action> actions(boolean paging, boolean kernelMode,
                                                          boolean readsSensitiveState) {
        Arbitrary<Integer> reg = Arbitraries.integers().between(1, 7);
        Arbitrary<RandomKernel.Action> arith = Combinators.combine(
                Arbitraries.of("addi", "add", "sub", "xor"), reg, reg, reg,
                Arbitraries.integers().between(-2048, 2047))
                .as(RandomKernel.Arith::new);
        List<String> texts = new java.util.ArrayList<>(List.of("cli", "sti", "mfcr r%d, cr0",
                "mfcr r%d, cr2", "mfcr r%d, cr3", "mtcr cr2, r%d", "nop"));
        if (readsSensitiveState) {
            texts.addAll(List.of("pushf\n    pop r%d", "smsw r%d", "sidt r%d"));
        }
        Arbitrary<RandomKernel.Action> sensitive = Combinators.combine(Arbitraries.of(texts), reg)
                .as((text, r) -> new RandomKernel.Sensitive(text.replace("%d", r.toString())));
        Arbitrary<RandomKernel.Action> popf = Arbitraries.integers().between(0, 0x3FFF)
                .map(RandomKernel.PopFlags::new);
        Arbitrary<RandomKernel.Action> memory = Combinators.combine(reg,
                Arbitraries.integers().between(0, 63).map(i -> 4 * i)).as(RandomKernel.Memory::new);
        Arbitrary<RandomKernel.Action> trap = Arbitraries.of("int", "div", "badcr", "pf")
                .map(RandomKernel.Trap::new);
        Arbitrary<RandomKernel.Action> timer = Combinators.combine(
                Arbitraries.integers().between(15, 120), Arbitraries.integers().between(5, 80))
                .as(RandomKernel.Timer::new);
        Arbitrary<RandomKernel.Action> smc = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 6), Arbitraries.integers().between(0, 6))
                .as(RandomKernel.SelfModify::new);
        Arbitrary<RandomKernel.Action> misaligned = Arbitraries.integers().between(1, 3)
                .map(RandomKernel.MisalignedJump::new);
        Arbitrary<RandomKernel.Action> remap = Combinators.combine(
                Arbitraries.integers().between(1, 6), Arbitraries.integers().between(1, 11))
                .as(RandomKernel.Remap::new);
        Arbitrary<RandomKernel.Action> remapCode = Arbitraries.of(true, false)
                .map(RandomKernel.RemapCode::new);
        Arbitrary<RandomKernel.Action> alias = Combinators.combine(
                Arbitraries.integers().between(1, 6), Arbitraries.integers().between(7, 12),
                Arbitraries.integers().between(1, 11)).as(RandomKernel.Alias::new);
        Arbitrary<RandomKernel.Action> readEntry = Combinators.combine(Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 15)).as(RandomKernel.ReadEntry::new);
        Arbitrary<RandomKernel.Action> halt = Arbitraries.integers().between(10, 200)
                .map(RandomKernel.Halt::new);
        List<Arbitrary<RandomKernel.Action>> choices = new java.util.ArrayList<>(
                List.of(arith, sensitive, popf, memory, trap, timer, smc, misaligned));
        if (kernelMode) {
            choices.add(halt);
        }
        if (paging && kernelMode) {
            choices.addAll(List.of(remap, alias, readEntry, remapCode));
        }
        return Arbitraries.oneOf(choices);
    }
}
