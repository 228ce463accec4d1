package org.vmlab.device.emulated;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vmlab.device.DeviceEvent;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.GuestRuns;
import org.vmlab.labs.lab1.TrapAndEmulateTechnique;
import org.vmlab.labs.lab2.BinaryTranslationTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hosting;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * Hypervisor-direct emulation: every device register access exits and costs a trip to where the
 * device model runs (the driver domain, or the host process), and each block of data goes through
 * the host's queue; the hosting model changes what the VMM spends, never what the guest sees.
 */
class EmulatedDevicesTest {

    @ParameterizedTest(name = "{0} under {1}")
    @CsvSource({"disk, bare-metal", "disk, hosted", "net, bare-metal", "net, hosted"})
    void theGuestRunsExactlyAsOnBareMetalUnderEitherHosting(String workload, String hosting) {
        RunResult bare = GuestRuns.bareToyos(workload, IsaVariant.CLASSIC).run();

        RunResult virtual = vm(workload, Hosting.of(hosting)).run();

        assertThat(Equivalence.compare(bare, virtual).differences()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"disk", "net"})
    void binaryTranslationOnLegacyToo(String workload) {
        RunResult bare = GuestRuns.bareToyos(workload, IsaVariant.LEGACY).run();
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(IsaVariant.LEGACY).memoryBytes(32 << 20)
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        VirtualMachine vm = vmm.create(VmConfig.named("vm1").withFuel(Toyos.FUEL),
                new BinaryTranslationTechnique().create(), new ShadowPagingTechnique().create(),
                new EmulatedDevices(Hosting.BARE_METAL));
        Toyos.boot(vm, Toyos.image(Toyos.Flavor.NATIVE), workload);

        RunResult virtual = vm.run();

        assertThat(Equivalence.compare(bare, virtual).differences()).isEmpty();
        assertThat(vm.counters().events(DeviceEvent.DRIVER_DOMAIN_SWITCH)).isPositive();
    }

    @Test
    void eachEmulatedAccessIsATripToTheDriverDomainUnderBareMetalHosting() {
        VirtualMachine vm = vm("disk", Hosting.BARE_METAL);
        vm.run();

        long accesses = vm.counters().events(CoreEvent.DEVICE_EMULATION);
        assertThat(accesses).isPositive();
        assertThat(vm.counters().events(DeviceEvent.DRIVER_DOMAIN_SWITCH)).isEqualTo(accesses);
        assertThat(vm.counters().events(DeviceEvent.HOST_PROCESS_SWITCH)).isZero();
    }

    @Test
    void eachEmulatedAccessIsATripToTheHostProcessWhenHosted() {
        VirtualMachine vm = vm("disk", Hosting.HOSTED);
        vm.run();

        assertThat(vm.counters().events(DeviceEvent.HOST_PROCESS_SWITCH))
                .isEqualTo(vm.counters().events(CoreEvent.DEVICE_EMULATION));
        assertThat(vm.counters().events(DeviceEvent.DRIVER_DOMAIN_SWITCH)).isZero();
    }

    @Test
    void eachBlockOfDataGoesThroughTheHostQueueWithItsCopy() {
        VirtualMachine disk = vm("disk", Hosting.HOSTED);
        disk.run();
        VirtualMachine net = vm("net", Hosting.HOSTED);
        net.run();

        // the disk workload: 6 requests moving 16 + 16 sectors; net: 8 frames out, 8 echoes in
        assertThat(disk.counters().events(DeviceEvent.HOST_IO_REQUEST)).isEqualTo(6);
        assertThat(disk.counters().events(DeviceEvent.HOST_COPY_LINE)).isEqualTo(32 * 512 / 64);
        assertThat(net.counters().events(DeviceEvent.HOST_IO_REQUEST)).isEqualTo(16);
    }

    @Test
    void theDriverDomainCostsMoreThanTheHostProcessForTheSameRun() {
        VirtualMachine typeOne = vm("disk", Hosting.BARE_METAL);
        VirtualMachine typeTwo = vm("disk", Hosting.HOSTED);

        RunResult one = typeOne.run();
        RunResult two = typeTwo.run();

        assertThat(one.ticks()).isEqualTo(two.ticks());
        assertThat(one.cycles() - two.cycles()).isEqualTo(typeOne.counters().events(CoreEvent.DEVICE_EMULATION)
                * (DeviceEvent.DRIVER_DOMAIN_SWITCH.defaultCycles() - DeviceEvent.HOST_PROCESS_SWITCH.defaultCycles()));
    }

    private static VirtualMachine vm(String workload, Hosting hosting) {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(IsaVariant.CLASSIC).memoryBytes(32 << 20)
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        VirtualMachine vm = vmm.create(VmConfig.named("vm1").withFuel(Toyos.FUEL),
                new TrapAndEmulateTechnique().create(), new ShadowPagingTechnique().create(), new EmulatedDevices(hosting));
        Toyos.boot(vm, Toyos.image(Toyos.Flavor.NATIVE), workload);
        return vm;
    }
}
