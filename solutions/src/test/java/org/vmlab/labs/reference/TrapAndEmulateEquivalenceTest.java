package org.vmlab.labs.reference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.cpu.trapemulate.TrapAndEmulate;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.lab1.TrapAndEmulateHandler;
import org.vmlab.labs.lab3.ShadowPagingRules;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.image.Image;
import org.vmlab.memory.shadow.ShadowPaging;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/** Every toyos workload, under trap-and-emulate with shadow paging on the classic ISA, is bare metal. */
class TrapAndEmulateEquivalenceTest {

    static java.util.List<String> workloads() {
        return Toyos.workloads();
    }

    @ParameterizedTest
    @MethodSource("workloads")
    void runsLikeBareMetal(String workload) {
        Image image = Toyos.image(Toyos.Flavor.NATIVE);
        Machine bare = new Machine(MachineConfig.builder().fuel(Toyos.FUEL).build());
        Toyos.boot(bare, image, workload);
        RunResult native_ = bare.run();

        Hypervisor vmm = new Hypervisor(MachineConfig.builder().memoryBytes(64 << 20).fuel(Long.MAX_VALUE).build(),
                VmmCostModel.DEFAULT);
        VirtualMachine vm = vmm.create(VmConfig.named("vm1").withFuel(Toyos.FUEL),
                new TrapAndEmulate(new TrapAndEmulateHandler()), new ShadowPaging(new ShadowPagingRules()));
        vm.load(image);
        int at = image.symbols().address(Toyos.CMDLINE_SYMBOL).orElseThrow();
        byte[] cmd = (workload + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        vm.memory().write(at, cmd);
        vmm.run();
        RunResult virtual = vm.result();
        System.out.println(workload + ": native " + native_.instructions() + " virtual " + virtual.instructions()
                + " " + virtual.stopReason() + " " + virtual.stopDetail() + " cycles " + native_.cycles() + " / " + virtual.cycles());
        System.out.println(virtual.counters());
        assertThat(virtual.console()).isEqualTo(native_.console());
        assertThat(virtual.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(virtual.observables()).isEqualTo(native_.observables());
    }
}
