package org.vmlab.labs.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.DoubleRange;
import org.vmlab.labs.GuestRuns;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.DeviceVirtualization;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryVirtualization;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * The differential property of capture and restore: a random kernel (paging, traps, user mode,
 * the disk and the network interface by DMA) captured at any instruction of its run, its state
 * and pages put on a VM of another host, runs on to exactly the end it has on bare metal: the
 * same stop, observables, memory, registers, instructions and ticks. The capture falls with
 * device events pending, DMA in flight, interrupts in service, a wait in {@code hlt}.
 */
class CaptureAndRestoreProperties {
    private static final int TRIES = 40;

    @Provide
    Arbitrary<RandomKernel> deviceKernels() {
        return new RandomKernelProperties().deviceKernels();
    }

    /** For binary translation on legacy, whose user code runs directly and sees the real IF: no user pushf. */
    @Provide
    Arbitrary<RandomKernel> legacyKernels() {
        return new RandomKernelProperties().legacyKernels();
    }

    @Property(tries = TRIES, seed = "20261202", shrinking = ShrinkingMode.BOUNDED)
    void trapAndEmulateWithShadowPaging(@ForAll("deviceKernels") RandomKernel kernel,
            @ForAll @DoubleRange(min = 0, max = 1) double at) {
        movesExactly(kernel, IsaVariant.CLASSIC, at, RandomKernelProperties::trapAndEmulate,
                RandomKernelProperties::shadow);
    }

    @Property(tries = TRIES, seed = "20261202", shrinking = ShrinkingMode.BOUNDED)
    void binaryTranslationWithShadowPaging(@ForAll("legacyKernels") RandomKernel kernel,
            @ForAll @DoubleRange(min = 0, max = 1) double at) {
        movesExactly(kernel, IsaVariant.LEGACY, at, RandomKernelProperties::binaryTranslation,
                RandomKernelProperties::shadow);
    }

    @Property(tries = TRIES, seed = "20261202", shrinking = ShrinkingMode.BOUNDED)
    void hardwareWithNestedPaging(@ForAll("deviceKernels") RandomKernel kernel,
            @ForAll @DoubleRange(min = 0, max = 1) double at) {
        movesExactly(kernel, IsaVariant.LEGACY, at, RandomKernelProperties::hardware, RandomKernelProperties::nested);
    }

    private static void movesExactly(RandomKernel kernel, IsaVariant isa, double at,
            Supplier<CpuVirtualization> cpu, Supplier<MemoryVirtualization> memory) {
        Image image = kernel.image();
        RunResult bare = GuestRuns.bareMetal(image, isa, GuestRuns.PROGRAM_FUEL).run();
        long point = (long) (at * bare.instructions());
        VirtualMachine source = vm(isa, cpu.get(), memory.get());
        source.load(image);
        CaptureAndRestoreTest.runFor(source, point);
        VirtualMachine destination = vm(isa, cpu.get(), memory.get());

        CaptureAndRestoreTest.move(source, destination);
        RunResult moved = destination.run();

        assertThat(Equivalence.compare(bare, moved).differences())
                .as("captured after %d of %d instructions\n--- the kernel ---\n%s", point, bare.instructions(),
                        kernel.source()).isEmpty();
        assertThat(moved.ticks()).isEqualTo(bare.ticks());
        assertThat(moved.instructions()).isEqualTo(bare.instructions());
    }

    private static VirtualMachine vm(IsaVariant isa, CpuVirtualization cpu, MemoryVirtualization memory) {
        Hypervisor host = new Hypervisor(MachineConfig.builder().isa(isa).memoryBytes(32 << 20).vt(cpu.needsVt())
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        return host.create(VmConfig.named("guest").withFuel(GuestRuns.PROGRAM_FUEL), cpu, memory,
                DeviceVirtualization.emulated());
    }
}
