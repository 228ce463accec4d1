package org.vmlab.labs.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.guests.Toyos;
import org.vmlab.labs.lab1.TrapAndEmulateTechnique;
import org.vmlab.labs.lab3.ShadowPagingTechnique;
import org.vmlab.labs.lab6.HardwareTechnique;
import org.vmlab.labs.lab6.NestedPagingTechnique;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.Equivalence;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;
import org.vmlab.vmm.overcommit.Balloon;
import org.vmlab.vmm.overcommit.BalloonController;
import org.vmlab.vmm.overcommit.IdleMemoryTax;
import org.vmlab.vmm.overcommit.PageSharingScanner;
import org.vmlab.labs.lab7.PageSharingRules;

/**
 * Ballooning under real techniques (Waldspurger, OSDI 2002, section 3): toyos's driver gives frames
 * back when the VMM asks and runs on as on bare metal with the same target; on an overcommitted
 * machine the policy moves memory a VM freed to the VM that needs it next, where without it a VM
 * runs out; and hostile guests (one that ignores its target, one that touches a frame it gave
 * back, one that writes nonsense to the device) stop, or are refused, alone.
 */
class BallooningTest {
    private static final int PAGE = PhysicalMemory.PAGE_SIZE;

    static Stream<Arguments> techniques() {
        return Stream.of(Arguments.of(new TrapAndEmulateTechnique(), new ShadowPagingTechnique()),
                Arguments.of(new HardwareTechnique(), new NestedPagingTechnique()));
    }

    private static Hypervisor hypervisor(CpuTechnique cpu, int machineFrames) {
        return new Hypervisor(MachineConfig.builder().memoryBytes(machineFrames * PAGE).vt(cpu.needsVt())
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
    }

    private static RunResult bare(DeviceConfig devices, java.util.function.Consumer<Machine> boot) {
        Machine machine = new Machine(MachineConfig.builder().fuel(Toyos.FUEL).devices(devices).build());
        boot.accept(machine);
        return machine.run();
    }

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("techniques")
    void toyosGivesBackWhatTheVmmAsksAndRunsAsOnBareMetalWithTheSameTarget(CpuTechnique cpu, MemoryTechnique memory) {
        int target = 300;
        Hypervisor vmm = hypervisor(cpu, 20_000);
        VirtualMachine vm = vmm.create(VmConfig.named("vm").withFuel(Toyos.FUEL), cpu.create(), memory.create());
        Toyos.boot(vm, Toyos.image(Toyos.Flavor.NATIVE), "pagefault");
        vm.balloon().setTarget(target);

        RunResult virtual = vm.run();
        RunResult bare = bare(DeviceConfig.defaults().withBalloonTarget(target),
                m -> Toyos.boot(m, Toyos.image(Toyos.Flavor.NATIVE), "pagefault"));

        assertThat(virtual.stopReason()).as(virtual.stopDetail()).isEqualTo(StopReason.HALT);
        assertThat(virtual.console()).isEqualTo(bare.console()).isEqualTo(Toyos.expectedOutput("pagefault"));
        assertThat(virtual.instructions()).isEqualTo(bare.instructions());
        assertThat(vm.balloon().size()).isEqualTo(target);
        long ballooned = java.util.stream.IntStream.range(0, vm.memory().frames())
                .filter(gfn -> vm.memory().isBallooned(gfn)).count();
        assertThat(ballooned).as("guest frames given back, in the p2m").isEqualTo(target);
        assertThat(vm.counters().named(Balloon.INFLATED)).isEqualTo(target);
        assertThat(vm.counters().named(Balloon.REJECTED)).isZero();
    }

    /**
     * Two memhog VMs on a machine too small for both (each touches 96 pages in a burst, vm2's a
     * little after vm1's), as in vmlab experiment consolidation.
     */
    private static List<VirtualMachine> memhogs(CpuTechnique cpu, MemoryTechnique memory, boolean balloon) {
        Hypervisor vmm = hypervisor(cpu, 260);
        List<VirtualMachine> vms = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            VirtualMachine vm = vmm.create(VmConfig.named("vm" + (i + 1)).withFuel(Toyos.FUEL), cpu.create(),
                    memory.create());
            Toyos.boot(vm, Toyos.memhogImage(), "memhog " + i);
            vms.add(vm);
        }
        if (balloon) {
            vmm.betweenSlices(BalloonController.withDefaults(vmm, new IdleMemoryTax(0), null));
        }
        vmm.run();
        return vms;
    }

    @Test
    void onAnOvercommittedMachineTheBalloonMovesFreedMemoryToTheVmThatNeedsIt() {
        CpuTechnique cpu = new TrapAndEmulateTechnique();
        MemoryTechnique memory = new ShadowPagingTechnique();
        List<VirtualMachine> without = memhogs(cpu, memory, false);
        List<VirtualMachine> with = memhogs(cpu, memory, true);

        assertThat(without).as("without the balloon, a VM runs out").anySatisfy(vm -> {
            assertThat(vm.vcpu().stopReason()).isEqualTo(StopReason.RESOURCE_LIMIT);
            assertThat(vm.vcpu().stopDetail()).startsWith("stopped by the VMM: the machine is out of memory");
        });
        for (VirtualMachine vm : with) {
            assertThat(vm.vcpu().stopReason()).as(vm.vcpu().stopDetail()).isEqualTo(StopReason.HALT);
            assertThat(vm.result().console()).isEqualTo(Toyos.expectedOutput("memhog"));
        }
        assertThat(with.get(0).counters().named(Balloon.RECLAIMED)).as("vm1 freed its burst first").isPositive();
    }

    private static Image assemble(String source) {
        try {
            return Assembler.assembleSource(source);
        } catch (AssemblyException e) {
            throw new AssertionError(e);
        }
    }

    /** Writes nonsense to the balloon and keeps each status at 0x3000.. */
    private static final String BOGUS = """
                .segment kernel, 0x1000
                .entry start
            start:
                li r1, 0x3000
                li r2, -1
                out 0x5C1, r2           ; inflate frame 0xFFFFFFFF: not RAM
                in r3, 0x5C4
                sw r3, 0(r1)
                li r2, 5000
                out 0x5C1, r2           ; beyond 16 MiB
                in r3, 0x5C4
                sw r3, 4(r1)
                li r2, 0x20
                out 0x5C2, r2           ; deflate a frame never given back
                in r3, 0x5C4
                sw r3, 8(r1)
                out 0x5C1, r2           ; give 0x20 back
                in r3, 0x5C4
                sw r3, 12(r1)
                out 0x5C1, r2           ; and again
                in r3, 0x5C4
                sw r3, 16(r1)
                in r3, 0x5C3
                sw r3, 20(r1)
                cli
                hlt
            """;

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("techniques")
    void bogusFrameNumbersAreRefusedWithTheStatusBareMetalGives(CpuTechnique cpu, MemoryTechnique memory) {
        Image image = assemble(BOGUS);
        Hypervisor vmm = hypervisor(cpu, 4096);
        VirtualMachine vm = vmm.create(VmConfig.named("bogus").withFuel(100_000), cpu.create(), memory.create());
        vm.load(image);

        RunResult virtual = vm.run();
        RunResult bare = bare(DeviceConfig.defaults(), m -> m.load(image));

        assertThat(virtual.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(Equivalence.compare(bare, virtual).differences()).isEmpty();
        assertThat(List.of(0, 4, 8, 12, 16, 20).stream().map(o -> vm.memory().readWord(0x3000 + o)).toList())
                .containsExactly(1, 1, 2, 0, 2, 1);
        assertThat(vm.counters().named(Balloon.REJECTED)).isEqualTo(4);
    }

    /** Gives frame 0x20 back, then reads it. */
    private static final String TOUCHER = """
                .segment kernel, 0x1000
                .entry start
            start:
                li r2, 0x20
                out 0x5C1, r2
                li r1, 0x20000
                lw r3, 0(r1)
                cli
                hlt
            """;

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("techniques")
    void aGuestThatTouchesAFrameItGaveBackStopsAloneNamingTheFrame(CpuTechnique cpu, MemoryTechnique memory) {
        Hypervisor vmm = hypervisor(cpu, 4096);
        VirtualMachine toucher = vmm.create(VmConfig.named("toucher").withFuel(100_000), cpu.create(),
                memory.create());
        toucher.load(assemble(TOUCHER));
        VirtualMachine other = vmm.create(VmConfig.named("other").withFuel(Toyos.FUEL), cpu.create(), memory.create());
        Toyos.boot(other, Toyos.image(Toyos.Flavor.NATIVE), "all");

        vmm.run();

        assertThat(toucher.vcpu().stopReason()).isEqualTo(StopReason.GUEST_ERROR);
        assertThat(toucher.vcpu().stopDetail()).isEqualTo("stopped by the VMM: toucher touched guest frame 0x00020,"
                + " which it had given back to the VMM (ballooned out)");
        RunResult bare = bare(DeviceConfig.defaults(), m -> Toyos.boot(m, Toyos.image(Toyos.Flavor.NATIVE), "all"));
        assertThat(Equivalence.compare(bare, other.result()).differences()).as("the other VM saw nothing").isEmpty();
    }

    /** Never polls its balloon, and touches a new page every few thousand instructions. */
    private static final String REFUSER = """
                .segment kernel, 0x1000
                .entry start
            start:
                li r1, 0x10000
                li r4, 0xF00000
            grow:
                sw r1, 0(r1)
                li r5, 10000
            wait:
                addi r5, r5, -1
                cmp r5, r0
                bne wait
                addi r1, r1, 4096
                cmp r1, r4
                bne grow
                cli
                hlt
            """;

    @Test
    void aGuestThatIgnoresItsTargetRunsOutAloneWhileTheOthersGoOn() {
        CpuTechnique cpu = new TrapAndEmulateTechnique();
        MemoryTechnique memory = new ShadowPagingTechnique();
        Hypervisor vmm = hypervisor(cpu, 400);
        VirtualMachine refuser = vmm.create(VmConfig.named("refuser").withFuel(Toyos.FUEL), cpu.create(),
                memory.create());
        refuser.load(assemble(REFUSER));
        VirtualMachine other = vmm.create(VmConfig.named("other").withFuel(Toyos.FUEL), cpu.create(), memory.create());
        Toyos.boot(other, Toyos.image(Toyos.Flavor.NATIVE), "all");
        PageSharingScanner scanner = new PageSharingScanner(vmm, PageSharingScanner.DEFAULT_PAGES_PER_SLICE, new PageSharingRules());
        vmm.betweenSlices(scanner);
        BalloonController policy = BalloonController.withDefaults(vmm, new IdleMemoryTax(0), scanner);
        vmm.betweenSlices(policy);

        vmm.run();

        assertThat(refuser.vcpu().stopReason()).isEqualTo(StopReason.RESOURCE_LIMIT);
        assertThat(refuser.vcpu().stopDetail()).startsWith("stopped by the VMM: the machine is out of memory");
        assertThat(policy.unresponsive(refuser)).isTrue();
        assertThat(policy.sharingPasses()).as("sharing was the fallback").isPositive();
        assertThat(other.balloon().target()).as("the other VM was not asked for the refuser's share").isZero();
        RunResult bare = bare(DeviceConfig.defaults(), m -> Toyos.boot(m, Toyos.image(Toyos.Flavor.NATIVE), "all"));
        assertThat(Equivalence.compare(bare, other.result()).differences()).isEmpty();
    }
}
