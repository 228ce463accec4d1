package org.vmlab.labs.reference;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.lab1.TrapAndEmulateTechnique;
import org.vmlab.labs.lab2.BinaryTranslationTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.labs.lab6.HardwareTechnique;
import org.vmlab.labs.lab6.NestedPagingTechnique;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.image.Image;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * What the tests that capture, log, snapshot or move toyos VMs share: the technique pairs of full
 * virtualization whose VMs can move, a host of their own for each VM, and the bare-metal run to
 * compare with.
 */
final class ToyosHosts {
    private ToyosHosts() {
    }

    /**
     * Every pair of full virtualization with a memory technique a VM can move under, for each of
     * {@code workloads}: trap-and-emulate, binary translation and hardware assistance with shadow
     * paging, hardware assistance with nested paging.
     */
    static Stream<Arguments> movablePairs(List<String> workloads) {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (String workload : workloads) {
            cases.add(Arguments.of(new TrapAndEmulateTechnique(), new ShadowPagingTechnique(), workload));
            cases.add(Arguments.of(new BinaryTranslationTechnique(), new ShadowPagingTechnique(), workload));
            cases.add(Arguments.of(new HardwareTechnique(), new ShadowPagingTechnique(), workload));
            cases.add(Arguments.of(new HardwareTechnique(), new NestedPagingTechnique(), workload));
        }
        return cases.build();
    }

    /** A toyos-sized VM of {@code cpu} and {@code memory}, alone on a host of its own. */
    static VirtualMachine vm(CpuTechnique cpu, MemoryTechnique memory) {
        return host(cpu).create(VmConfig.named("vm").withFuel(Toyos.FUEL), cpu.create(), memory.create());
    }

    /** A host with room for a toyos VM and its VMM's frames, with the vt feature if {@code cpu} needs it. */
    static Hypervisor host(CpuTechnique cpu) {
        return new Hypervisor(MachineConfig.builder().memoryBytes(40 << 20).vt(cpu.needsVt()).fuel(Long.MAX_VALUE)
                .build(), VmmCostModel.DEFAULT);
    }

    /** toyos's {@code workload} run on bare metal. */
    static RunResult bare(Image image, String workload) {
        Machine machine = new Machine(MachineConfig.builder().fuel(Toyos.FUEL).build());
        Toyos.boot(machine, image, workload);
        return machine.run();
    }
}
