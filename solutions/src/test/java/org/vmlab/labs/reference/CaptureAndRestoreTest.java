package org.vmlab.labs.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.lab1.TrapAndEmulateTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.labs.lab4.ParavirtTechnique;
import org.vmlab.labs.lab4.PvMmuTechnique;
import org.vmlab.labs.lab6.HardwareTechnique;
import org.vmlab.labs.lab6.NestedPagingTechnique;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.image.Image;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmState;

/**
 * A VM captured between two runs of its guest (its vCPU, its board, its pages) and put back on a
 * VM of another hypervisor, on another machine, goes on exactly as if it had never moved: the
 * same stop, console, disk requests and frames at the same ticks, the same memory and registers,
 * the same count of instructions and ticks. The techniques of the second VM rebuild their shadows,
 * nested tables, translations and VMCS from the state alone.
 */
@Execution(ExecutionMode.CONCURRENT)
class CaptureAndRestoreTest {

    static Stream<Arguments> techniquesAndWorkloads() {
        return ToyosHosts.movablePairs(java.util.List.of("forkwait", "disk", "net", "all"));
    }

    @ParameterizedTest(name = "{0} + {1}, {2}")
    @MethodSource("techniquesAndWorkloads")
    void aVmCapturedMidRunAndRestoredOnAnotherHostRunsOnAsIfItNeverMoved(CpuTechnique cpu,
            MemoryTechnique memory, String workload) {
        Image image = Toyos.image(Toyos.Flavor.NATIVE);
        RunResult bare = ToyosHosts.bare(image, workload);
        for (long at : new long[] {bare.instructions() / 3, 2 * bare.instructions() / 3}) {
            VirtualMachine source = ToyosHosts.vm(cpu, memory);
            Toyos.boot(source, image, workload);
            runFor(source, at);

            VirtualMachine destination = ToyosHosts.vm(cpu, memory);
            move(source, destination);
            destination.useSymbols(image.symbols());
            RunResult moved = destination.run();

            assertThat(Equivalence.compare(bare, moved).differences()).as("%s + %s, %s, moved at instruction %d",
                    cpu.name(), memory.name(), workload, at).isEmpty();
            assertThat(moved.instructions()).isEqualTo(bare.instructions());
            assertThat(moved.ticks()).isEqualTo(bare.ticks());
        }
    }

    @Test
    void aCaptureIsAValueThatTheRestoredVmGivesBackUnchanged() {
        Image image = Toyos.image(Toyos.Flavor.NATIVE);
        VirtualMachine source = ToyosHosts.vm(new HardwareTechnique(), new NestedPagingTechnique());
        Toyos.boot(source, image, "all");
        runFor(source, 1_500_000);
        VirtualMachine destination = ToyosHosts.vm(new HardwareTechnique(), new NestedPagingTechnique());

        VmState state = move(source, destination);

        assertThat(destination.capture()).isEqualTo(state);
        assertThat(destination.memory().digest()).isEqualTo(source.memory().digest());
        assertThat(destination.result().observables()).isEqualTo(source.result().observables());
    }

    @Test
    void aParavirtualGuestWithDirectPagingSaysWhyItCannotBeCaptured() {
        Hypervisor host = ToyosHosts.host(new ParavirtTechnique());
        VirtualMachine vm = host.create(VmConfig.named("pv").withFuel(Toyos.FUEL), new ParavirtTechnique().create(),
                new PvMmuTechnique().create());

        assertThat(vm.whyNotCapturable()).hasValueSatisfying(why -> assertThat(why)
                .startsWith("pv cannot be captured: ").contains("paravirtual").contains("trap table"));
        assertThatThrownBy(vm::capture).isInstanceOf(VirtualMachine.NotCapturable.class)
                .hasMessageContaining("trap table");
    }

    @Test
    void aBoardStateOfOtherDevicesIsRefusedAndTheVmIsLeftAsItWas() {
        Image image = Toyos.image(Toyos.Flavor.NATIVE);
        VirtualMachine source = ToyosHosts.vm(new TrapAndEmulateTechnique(), new ShadowPagingTechnique());
        Toyos.boot(source, image, "disk");
        runFor(source, 200_000);
        VmState state = source.capture();
        Hypervisor other = ToyosHosts.host(new TrapAndEmulateTechnique());
        VirtualMachine smallDisk = other.create(VmConfig.named("small").withFuel(Toyos.FUEL)
                .withDevices(org.vmlab.machine.device.DeviceConfig.defaults().withDiskSectors(8)),
                new TrapAndEmulateTechnique().create(), new ShadowPagingTechnique().create());
        VmState before = smallDisk.capture();

        assertThatThrownBy(() -> smallDisk.restore(state)).isInstanceOf(IllegalArgumentException.class);
        assertThat(smallDisk.capture()).isEqualTo(before);
    }

    /** Capture on {@code source} (switched out, settled), pages and all, restore on {@code destination}. */
    static VmState move(VirtualMachine source, VirtualMachine destination) {
        source.switchIn();
        assertThat(source.settle(1_000)).isTrue();
        source.switchOut();
        VmState state = source.capture();
        for (int gfn = 0; gfn < source.memory().frames(); gfn++) {
            byte[] page = source.memory().pageContents(gfn);
            if (page != null) {
                destination.memory().restorePage(gfn, page);
            }
        }
        destination.restore(state);
        return state;
    }

    /** Runs {@code vm} for {@code instructions}, in slices as a hypervisor would, and switches it out. */
    static void runFor(VirtualMachine vm, long instructions) {
        vm.switchIn();
        vm.runSlice(instructions);
        vm.switchOut();
    }

}
