package org.vmlab.cpu.paravirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vmlab.asm.Assembler;
import org.vmlab.cpu.TinyVm;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.IdentityMemory;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * The domain builder: a paravirtual kernel starts with all its memory backed, its start-info
 * page in {@code r2}, the shared-info page and the frame list after it in the first free pages
 * past its image, events masked.
 */
class DomainBuilderTest {
    private static final int PAGE = PhysicalMemory.PAGE_SIZE;

    private static VirtualMachine loaded(String kernel) {
        VirtualMachine vm = TinyVm.create(IsaVariant.CLASSIC, new Paravirtualization(new org.vmlab.labs.lab4.EventChannelDelivery()));
        vm.load(TinyVm.kernel(kernel));
        return vm;
    }

    @Test
    void theStartInfoPageGivesTheKernelItsMemoryItsSharedInfoPageItsPortsAndItsFrameList() {
        VirtualMachine vm = loaded("    nop\n");
        int start = 0x2000;   // the page after the kernel's segment at 0x1000

        assertThat(vm.vcpu().register(2)).as("r2: the start-info page").isEqualTo(start);
        int[] words = new int[11];
        for (int i = 0; i < words.length; i++) {
            words[i] = vm.memory().readWord(start + 4 * i);
        }
        int frames = TinyVm.MEMORY / PAGE;
        assertThat(words).containsExactly(StartInfo.MAGIC, frames, start + PAGE, 0, 0, 1, 0, 2, 0, 0, start + 2 * PAGE);
        assertThat(new String(vm.memory().read(start, 4), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("xen3");
        for (int gfn = 0; gfn < frames; gfn++) {
            assertThat(vm.memory().readWord(start + 2 * PAGE + 4 * gfn)).as("the frame list's word %d", gfn)
                    .isEqualTo(vm.memory().machineFrame(gfn));
        }
        assertThat(vm.memory().framesInUse()).as("every frame backed").isEqualTo(frames);
    }

    @Test
    void theKernelStartsWithEveryOtherRegisterZeroAndEventsMaskedEveryPortMaskedNonePending() {
        VirtualMachine vm = loaded("    nop\n");
        SharedInfo shared = PvKernel.shared(vm);

        for (int r = 1; r < 16; r++) {
            assertThat(vm.vcpu().register(r)).as("r%d", r).isEqualTo(r == 2 ? 0x2000 : 0);
        }
        assertThat(vm.vcpu().pc()).isEqualTo(TinyVm.KERNEL_BASE);
        assertThat(vm.vcpu().virtualRing()).isZero();
        assertThat(vm.vcpu().virtualInterruptsEnabled()).isFalse();
        assertThat(shared.upcallMask()).isTrue();
        assertThat(shared.upcallPending()).isFalse();
        assertThat(shared.pendingPorts()).isZero();
        assertThat(shared.maskedPorts()).isEqualTo(-1);
        assertThat(shared.cr2()).isZero();
    }

    @Test
    void theStoresPortWaitsForDomainZeroAndTheConsolesIsBoundToVirqConsole() {
        VirtualMachine vm = loaded("    nop\n");
        EventChannels channels = new EventChannels();
        StartInfo info = DomainBuilder.build(vm, TinyVm.kernel("    nop\n"), channels);

        assertThat(channels.binding(info.storePort())).isEqualTo(new EventChannels.Unbound(0));
        assertThat(channels.binding(info.consolePort())).isEqualTo(new EventChannels.Virq(XenAbi.VIRQ_CONSOLE));
    }

    @Test
    void theAreasSkipPagesAnotherSegmentTakes() throws Exception {
        Image image = Assembler.assembleSource("""
                    .segment kernel, 0x1000
                    .entry start
                start:
                    nop
                    .segment data, 0x2800
                    .word 7
                """);
        VirtualMachine vm = TinyVm.create(IsaVariant.CLASSIC, new Paravirtualization(new org.vmlab.labs.lab4.EventChannelDelivery()));
        vm.load(image);

        assertThat(vm.vcpu().register(2)).as("past the data segment's page").isEqualTo(0x3000);
        assertThat(vm.memory().readWord(0x2800)).as("the data is left alone").isEqualTo(7);
    }

    @Test
    void aVmThatMayNotBackAllItsMemoryCannotBeBuilt() {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(IsaVariant.CLASSIC).memoryBytes(TinyVm.MEMORY)
                .build(), VmmCostModel.DEFAULT);
        VmConfig config = new VmConfig("small", TinyVm.MEMORY, 4, 1000, DeviceConfig.defaults());
        VirtualMachine vm = vmm.create(config, new Paravirtualization(new org.vmlab.labs.lab4.EventChannelDelivery()), new IdentityMemory());

        assertThatThrownBy(() -> vm.load(TinyVm.kernel("    nop\n")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("all its memory at once");
    }

    @Test
    void anImageThatLeavesNoRoomIsTheLoadersError() {
        String filler = "    .space " + (TinyVm.MEMORY - TinyVm.KERNEL_BASE - 2 * PAGE) + "\n";
        VirtualMachine vm = TinyVm.create(IsaVariant.CLASSIC, new Paravirtualization(new org.vmlab.labs.lab4.EventChannelDelivery()));

        assertThatThrownBy(() -> vm.load(TinyVm.kernel(filler)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no 3 free pages");
    }
}
