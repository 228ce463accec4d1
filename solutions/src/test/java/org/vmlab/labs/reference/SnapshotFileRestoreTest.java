package org.vmlab.labs.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.lab1.TrapAndEmulateTechnique;
import org.vmlab.labs.lab2.BinaryTranslationTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.labs.lab6.HardwareTechnique;
import org.vmlab.labs.lab6.NestedPagingTechnique;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.image.Image;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.snapshot.Snapshot;
import org.vmlab.vmm.snapshot.SnapshotFile;

/**
 * A VM written to a snapshot file mid-run, read back and restored on a fresh host, under the same
 * techniques or other ones, runs on exactly as the guest runs on bare metal: the file carries all
 * that the guest relies on, and nothing of the techniques it was taken under.
 */
@Execution(ExecutionMode.CONCURRENT)
class SnapshotFileRestoreTest {

    static Stream<Arguments> takenUnderRestoredUnder() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (String workload : new String[] {"forkwait", "disk", "net", "all"}) {
            // the same techniques on both sides
            cases.add(Arguments.of(new TrapAndEmulateTechnique(), new ShadowPagingTechnique(),
                    new TrapAndEmulateTechnique(), new ShadowPagingTechnique(), workload));
            cases.add(Arguments.of(new HardwareTechnique(), new NestedPagingTechnique(),
                    new HardwareTechnique(), new NestedPagingTechnique(), workload));
            // taken under one pair, restored under another
            cases.add(Arguments.of(new TrapAndEmulateTechnique(), new ShadowPagingTechnique(),
                    new HardwareTechnique(), new NestedPagingTechnique(), workload));
            cases.add(Arguments.of(new HardwareTechnique(), new NestedPagingTechnique(),
                    new BinaryTranslationTechnique(), new ShadowPagingTechnique(), workload));
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{4}: {0} + {1} -> {2} + {3}")
    @MethodSource("takenUnderRestoredUnder")
    void aVmRestoredFromItsSnapshotFileRunsOnAsOnBareMetal(CpuTechnique fromCpu, MemoryTechnique fromMemory,
            CpuTechnique toCpu, MemoryTechnique toMemory, String workload) throws IOException {
        Image image = Toyos.image(Toyos.Flavor.NATIVE);
        RunResult bare = ToyosHosts.bare(image, workload);
        long at = bare.instructions() / 2;
        VirtualMachine source = ToyosHosts.vm(fromCpu, fromMemory);
        Toyos.boot(source, image, workload);
        CaptureAndRestoreTest.runFor(source, at);

        byte[] file = SnapshotFile.bytes(Snapshot.take(source, new Snapshot.Guest("toyos", workload, image),
                "classic", new Snapshot.TechniqueNames(fromCpu.name(), fromMemory.name(), "", "hosted"), 1_000));
        Snapshot read = SnapshotFile.read(new ByteArrayInputStream(file));
        VirtualMachine destination = ToyosHosts.vm(toCpu, toMemory);
        read.restoreOnto(destination);
        RunResult restored = destination.run();

        assertThat(read.state().vcpu().instructions()).isGreaterThanOrEqualTo(at);
        assertThat(Equivalence.compare(bare, restored).differences()).as("%s: %s + %s -> %s + %s", workload,
                fromCpu.name(), fromMemory.name(), toCpu.name(), toMemory.name()).isEmpty();
        assertThat(restored.instructions()).isEqualTo(bare.instructions());
        assertThat(restored.ticks()).isEqualTo(bare.ticks());
        assertThat(destination.symbols()).isEqualTo(image.symbols());
    }

    @Test
    void aSnapshotCarriesOnlyThePagesTheGuestTouched() {
        Image image = Toyos.image(Toyos.Flavor.NATIVE);
        VirtualMachine source = ToyosHosts.vm(new TrapAndEmulateTechnique(), new ShadowPagingTechnique());
        Toyos.boot(source, image, "forkwait");
        CaptureAndRestoreTest.runFor(source, 100_000);

        Snapshot s = Snapshot.take(source, new Snapshot.Guest("toyos", "forkwait", image), "classic",
                new Snapshot.TechniqueNames("trap-emulate", "shadow", "", "hosted"), 1_000);

        assertThat(s.pages().backedFrames()).isPositive().isLessThan(s.pages().frames() / 4)
                .isEqualTo(source.memory().framesInUse());
        assertThat(s.pages().digest()).isEqualTo(source.memory().digest());
    }

    @Test
    void aSnapshotWhoseBoardDoesNotFitTheVmIsRefused() {
        Image image = Toyos.image(Toyos.Flavor.NATIVE);
        VirtualMachine source = ToyosHosts.vm(new TrapAndEmulateTechnique(), new ShadowPagingTechnique());
        Toyos.boot(source, image, "disk");
        CaptureAndRestoreTest.runFor(source, 200_000);
        Snapshot s = Snapshot.take(source, new Snapshot.Guest("toyos", "disk", image), "classic",
                new Snapshot.TechniqueNames("trap-emulate", "shadow", "", "hosted"), 1_000);
        Hypervisor other = ToyosHosts.host(new TrapAndEmulateTechnique());
        VirtualMachine smallDisk = other.create(VmConfig.named("small").withFuel(Toyos.FUEL)
                .withDevices(DeviceConfig.defaults().withDiskSectors(8)),
                new TrapAndEmulateTechnique().create(), new ShadowPagingTechnique().create());

        assertThatThrownBy(() -> s.restoreOnto(smallDisk)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("disk");
    }

}
