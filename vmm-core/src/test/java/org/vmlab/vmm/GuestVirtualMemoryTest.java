package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.Fault;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.isa.Vector;

/**
 * Guest-virtual memory as the VMM reaches it for the guest: with paging off, every frame of RAM
 * at its own address, writable unless the memory technique says the guest may not write it (its
 * pinned page tables, under direct paging); then the write is the guest's page fault.
 */
class GuestVirtualMemoryTest {
    private static VirtualMachine vm() {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().memoryBytes(64 << 10).fuel(Long.MAX_VALUE).build(),
                VmmCostModel.DEFAULT);
        return vmm.create(new VmConfig("vm", 64 << 10, 16, 1000, DeviceConfig.defaults()), null, new IdentityMemory());
    }

    @Test
    void withPagingOffEveryFrameIsWritableByDefault() {
        VirtualMachine vm = vm();

        vm.guestMemory().writeWord(0x3000, 7, 0);

        assertThat(vm.guestMemory().readWord(0x3000, 0)).isEqualTo(7);
    }

    @Test
    void aFrameTheTechniqueKeepsReadOnlyFaultsOnAWriteOnly() {
        VirtualMachine vm = vm();
        vm.memory().writeWord(0x3000, 7);
        vm.guestMemory().setPageTableFrames(new PageTableFrames() {
            @Override
            public int guestFrame(int frame) {
                return frame;
            }

            @Override
            public boolean writableWithPagingOff(int gfn) {
                return gfn != 3;
            }
        });

        Fault kernel = catchThrowableOfType(() -> vm.guestMemory().writeWord(0x3004, 1, 0), Fault.class);
        Fault user = catchThrowableOfType(() -> vm.guestMemory().writeByte(0x3008, 1, 3), Fault.class);

        assertThat(kernel.vector()).isEqualTo(Vector.PAGE_FAULT);
        assertThat(kernel.errorCode()).isEqualTo(Vector.PF_PRESENT | Vector.PF_WRITE);
        assertThat(kernel.address()).isEqualTo(0x3004);
        assertThat(user.errorCode()).isEqualTo(Vector.PF_PRESENT | Vector.PF_WRITE | Vector.PF_USER);
        assertThat(vm.guestMemory().readWord(0x3000, 0)).as("reads as ever").isEqualTo(7);
        vm.guestMemory().writeWord(0x4000, 1, 0);
        assertThat(vm.memory().readWord(0x3004)).isZero();
    }
}
