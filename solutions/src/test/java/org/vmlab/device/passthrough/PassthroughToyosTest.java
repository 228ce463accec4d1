package org.vmlab.device.passthrough;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.GuestRuns;
import org.vmlab.labs.lab1.TrapAndEmulateTechnique;
import org.vmlab.labs.lab2.BinaryTranslationTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.device.Iommu;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.vmm.DeviceVirtualization;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.Lockstep;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * Passthrough keeps Popek and Goldberg's equivalence exactly: the guest's unmodified drivers
 * program the assigned disk and network interface directly, their DMA goes through the IOMMU to
 * the VM's frames, and every observable, to the tick of each device event, is bare metal's.
 */
class PassthroughToyosTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"disk", "net", "fault", "all"})
    void theWorkloadRunsExactlyAsOnBareMetal(String workload) {
        RunResult bare = GuestRuns.bareToyos(workload, IsaVariant.CLASSIC).run();
        Hypervisor vmm = hypervisor();
        VirtualMachine vm = vm(vmm, "vm1", Passthrough.confined(new org.vmlab.labs.lab5.IommuProgramming()), workload);

        RunResult virtual = vm.run();

        assertThat(Equivalence.compare(bare, virtual).differences()).as("differences from bare metal").isEmpty();
    }

    @Test
    void theDevicesRegistersNoLongerExitAndTheirDmaIsTranslated() {
        Hypervisor emulatedHost = hypervisor();
        VirtualMachine emulated = vm(emulatedHost, "vm1", DeviceVirtualization.emulated(), "disk");
        Hypervisor host = hypervisor();
        VirtualMachine assigned = vm(host, "vm1", Passthrough.confined(new org.vmlab.labs.lab5.IommuProgramming()), "disk");

        emulated.run();
        assigned.run();

        // toyos's disk workload makes 6 requests, 6 port accesses each
        assertThat(emulated.counters().exits("io access") - assigned.counters().exits("io access")).isEqualTo(36);
        assertThat(host.machine().iommu().iotlbHits() + host.machine().iommu().iotlbMisses())
                .as("DMA went through the IOMMU").isPositive();
        assertThat(host.machine().iommu().faults()).isEmpty();
        assertThat(assigned.devices().standard().diskRequests()).hasSize(6);
    }

    @Test
    void networkRegistersAreReachedThroughTheShadowWithoutAnExit() {
        Hypervisor emulatedHost = hypervisor();
        VirtualMachine emulated = vm(emulatedHost, "vm1", DeviceVirtualization.emulated(), "net");
        VirtualMachine assigned = vm(hypervisor(), "vm1", Passthrough.confined(new org.vmlab.labs.lab5.IommuProgramming()), "net");

        emulated.run();
        assigned.run();

        assertThat(assigned.counters().exits("page fault")).isLessThan(emulated.counters().exits("page fault"));
        assertThat(assigned.result().observables().frames()).hasSize(16);
    }

    @Test
    void lockstepFindsNoDivergence() {
        Machine bare = GuestRuns.bareToyos("disk", IsaVariant.CLASSIC);
        VirtualMachine vm = vm(hypervisor(), "vm1", Passthrough.confined(new org.vmlab.labs.lab5.IommuProgramming()), "disk");

        Lockstep.Outcome outcome = Lockstep.run(bare, vm);

        assertThat(outcome.divergence()).isEmpty();
        assertThat(outcome.memory()).isEmpty();
    }

    @Test
    void anAssignedDeviceCannotBeSharedAndGoesBackWhenItsVmGoes() {
        Hypervisor vmm = hypervisor();
        VirtualMachine first = vm(vmm, "vm1", Passthrough.confined(new org.vmlab.labs.lab5.IommuProgramming()), "disk");

        assertThatThrownBy(() -> vm(vmm, "vm2", Passthrough.confined(new org.vmlab.labs.lab5.IommuProgramming()), "disk"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the disk and the network interface are already assigned to vm1:"
                        + " a passed-through device cannot be shared");
        vmm.remove(first);
        VirtualMachine second = vm(vmm, "vm2", Passthrough.confined(new org.vmlab.labs.lab5.IommuProgramming()), "disk");
        assertThat(second.run().console()).isEqualTo(Toyos.expectedOutput("disk"));
    }

    @Test
    void binaryTranslationIsRefused() {
        Hypervisor vmm = hypervisor();
        assertThatThrownBy(() -> vmm.create(VmConfig.named("vm1"), new BinaryTranslationTechnique().create(),
                new ShadowPagingTechnique().create(), Passthrough.confined(new org.vmlab.labs.lab5.IommuProgramming())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs the guest's code to run unmodified");
    }

    @Test
    void theIommuIsProgrammedForBothDevices() {
        Hypervisor vmm = hypervisor();
        vm(vmm, "vm1", Passthrough.confined(new org.vmlab.labs.lab5.IommuProgramming()), "disk");
        assertThat(vmm.machine().iommu().status()).isEqualTo(Iommu.TE | Iommu.IRE);
    }

    static Hypervisor hypervisor() {
        return new Hypervisor(MachineConfig.builder().isa(IsaVariant.CLASSIC).memoryBytes(64 << 20)
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
    }

    static VirtualMachine vm(Hypervisor vmm, String name, DeviceVirtualization devices, String workload) {
        VirtualMachine vm = vmm.create(VmConfig.named(name).withFuel(Toyos.FUEL),
                new TrapAndEmulateTechnique().create(), new ShadowPagingTechnique().create(), devices);
        Toyos.boot(vm, Toyos.image(Toyos.Flavor.NATIVE), workload);
        return vm;
    }
}
