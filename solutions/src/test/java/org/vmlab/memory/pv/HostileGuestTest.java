package org.vmlab.memory.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.memory.pv.PvVm.L1;
import static org.vmlab.memory.pv.PvVm.L2;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Pte;
import org.vmlab.vmm.Errno;

/**
 * Hostile paravirtual guests against the paravirtual MMU: each attempt is refused with an error
 * code or becomes the guest's own fault, the VMM never throws, and the victim VM beside the guest
 * keeps its secret.
 */
class HostileGuestTest {
    private static final int EPERM = -Errno.EPERM;
    private static final int EINVAL = -Errno.EINVAL;

    /** The guest ended as a guest may, the victim's memory is as it was, and its builder's mapping too. */
    private static void contained(PvVm guest) {
        assertThat(guest.vm.vcpu().stopReason()).as(guest.vm.vcpu().stopDetail()).isEqualTo(StopReason.HALT);
        assertThat(guest.victim.memory().readWord(PvVm.DATA)).isEqualTo(PvVm.SECRET);
        for (int gfn = 0; gfn < guest.victim.memory().frames(); gfn++) {
            assertThat(guest.victimMmu.builder().entry(gfn)).as("the victim's builder mapping of %d", gfn)
                    .isEqualTo(guest.victim.memory().machineFrame(gfn) << 12 | Pte.PRESENT | Pte.WRITABLE | Pte.USER);
        }
    }

    @Test
    void anUpdateMappingAForeignFrameIsRefused() {
        PvVm guest = new PvVm("""
                call build
                call pin_and_load
                arg r10, 0                  ; the victim's frame, found somehow
                shli r10, r10, 12
                ori r10, r10, P | W
                mfn r9, 11                  ; mmu_update: 0x7000 -> the victim's frame
                shli r9, r9, 12
                addi r9, r9, 7 * 4
                req 0, r9
                req 1, r10
                mmu_update 1
                result 0
                update_va_mapping 0x7000, r10, 2
                result 1
                li r9, 0x9000               ; a table of its own, in ordinary memory, mapping it
                sw r10, 0(r9)
                reqi 0, 0
                mfn r9, 9
                req 1, r9
                mmuext_op 1
                result 2
                arg r9, 0                   ; the victim's frame as a base pointer, as a table
                reqi 0, 5
                req 1, r9
                mmuext_op 1
                result 3
                reqi 0, 0
                mmuext_op 1
                result 4
                shli r9, r9, 12             ; a word of the victim's frame, written by mmu_update
                req 0, r9
                reqi 1, 0xBAD
                mmu_update 1
                result 5
                arg r10, 1                  ; the hypervisor's frame (the victim's builder directory)
                shli r10, r10, 12
                ori r10, r10, P
                update_va_mapping 0x7000, r10, 2
                result 6
                li r10, 0x3F000000 | P      ; a machine address that is nobody's
                update_va_mapping 0x7000, r10, 2
                result 7
                li r9, 0x7000               ; still its own page
                lw r1, 0(r9)
                result 8
            """).run();

        for (int k = 0; k <= 7; k++) {
            assertThat(guest.result(k)).as("result %d", k).isEqualTo(EPERM);
        }
        assertThat(guest.result(8)).isNotEqualTo(PvVm.SECRET);
        assertThat(guest.counter("pv.mmu.rejected")).as("each entry refused by validation").isEqualTo(5);
        contained(guest);
    }

    @Test
    void mappingItsOwnPageTableWritableIsRefused() {
        PvVm guest = new PvVm("""
                call build
                call pin_and_load
                mfn r10, 11                 ; its page table, writable at 0x7000
                shli r10, r10, 12
                ori r10, r10, P | W
                update_va_mapping 0x7000, r10, 2
                result 0
                mfn r9, 11
                shli r9, r9, 12
                addi r9, r9, 7 * 4
                req 0, r9
                req 1, r10
                mmu_update 1
                result 1
                mfn r10, 10                 ; its directory, writable
                shli r10, r10, 12
                ori r10, r10, P | W
                update_va_mapping 0x7000, r10, 2
                result 2
                mfn r10, 11                 ; its page table, for user code
                shli r10, r10, 12
                ori r10, r10, P | U
                update_va_mapping 0x7000, r10, 2
                result 3
                mfn r10, 11                 ; read-only, for the kernel: yes
                shli r10, r10, 12
                ori r10, r10, P
                update_va_mapping 0x7000, r10, 2
                result 4
                reqi 0, 0                   ; pin DATA, which 0x5000 maps writable
                mfn r9, 5
                req 1, r9
                mmuext_op 1
                result 5
            """).run();

        assertThat(guest.result(0)).isEqualTo(EPERM);
        assertThat(guest.result(1)).isEqualTo(EPERM);
        assertThat(guest.result(2)).isEqualTo(EPERM);
        assertThat(guest.result(3)).isEqualTo(EPERM);
        assertThat(guest.result(4)).isZero();
        assertThat(guest.result(5)).as("a frame mapped writable cannot become a table").isEqualTo(EPERM);
        contained(guest);
    }

    @Test
    void writingAPinnedFrameDirectlyIsTheGuestsPageFault() {
        PvVm guest = new PvVm("""
                call build
                call pin_and_load
                li r9, L1
                li r10, 0x1234
                sw r10, 0(r9)
            """).run();

        assertThat(guest.vm.vcpu().register(13)).isEqualTo(PvVm.PAGE_FAULT_MARK);
        assertThat(guest.vm.vcpu().register(12)).as("present, a write").isEqualTo(Vector.PF_PRESENT | Vector.PF_WRITE);
        assertThat(guest.vm.vcpu().controlRegister(Registers.CR2)).isEqualTo(L1);
        assertThat(guest.vm.memory().readWord(L1) & ~(Pte.ACCESSED | Pte.DIRTY))
                .isEqualTo(guest.mfn(0) << 12 | Pte.PRESENT | Pte.WRITABLE);
        contained(guest);
    }

    @Test
    void aStaleTlbEntryDoesNotLetTheGuestWriteAFrameItPinned() {
        PvVm guest = new PvVm("""
                call build
                call pin_and_load
                li r9, DATA                 ; the TLB now holds 0x5000 writable
                sw r0, 0(r9)
                mfn r10, 5                  ; read-only, and no flush asked for
                shli r10, r10, 12
                ori r10, r10, P
                update_va_mapping 0x5000, r10, 0
                result 0
                reqi 0, 0                   ; DATA becomes a page table, empty
                mfn r9, 5
                req 1, r9
                mmuext_op 1
                result 1
                arg r10, 0                  ; write a mapping of the victim's frame into it
                shli r10, r10, 12
                ori r10, r10, P | W
                li r9, DATA
                sw r10, 4(r9)
            """).run();

        assertThat(guest.result(0)).isZero();
        assertThat(guest.result(1)).isZero();
        assertThat(guest.vm.vcpu().register(13)).as("the write faults: pinning flushed the TLB")
                .isEqualTo(PvVm.PAGE_FAULT_MARK);
        assertThat(guest.vm.memory().readWord(PvVm.DATA + 4)).isZero();
        contained(guest);
    }

    @Test
    void evenBeforeItsBasePointerAPinnedFrameIsReadOnlyToTheGuest() {
        PvVm guest = new PvVm("""
                call build
                reqi 0, 0                   ; pin the page table, no base pointer
                mfn r9, 11
                req 1, r9
                mmuext_op 1
                result 0
                li r9, L1
                li r10, 0x1234
                sw r10, 0(r9)
            """).run();

        assertThat(guest.result(0)).isZero();
        assertThat(guest.vm.vcpu().register(13)).isEqualTo(PvVm.PAGE_FAULT_MARK);
        assertThat(guest.vm.vcpu().controlRegister(Registers.CR2)).isEqualTo(L1);
        assertThat(guest.vm.memory().readWord(L1)).isEqualTo(guest.mfn(0) << 12 | Pte.PRESENT | Pte.WRITABLE);
        contained(guest);
    }

    @Test
    void theVmmDoesNotWriteAPinnedFrameForTheGuestEither() {
        PvVm guest = new PvVm("""
                call build
                reqi 0, 0                   ; pin the page table, no base pointer
                mfn r9, 11
                req 1, r9
                mmuext_op 1
                li r2, 1                    ; console_io(CONSOLEIO_read, 4, the page table)
                li r3, 4
                li r4, L1
                hypercall 18
                result 0
                call pin_and_load2
                li r2, 1                    ; again, on its own tables
                li r3, 4
                li r4, L1
                hypercall 18
                result 1
                li r2, 1                    ; and into ordinary memory: yes
                li r3, 4
                li r4, DATA
                hypercall 18
                result 2
                poweroff
            pin_and_load2:
                reqi 0, 1
                mfn r9, 10
                req 1, r9
                reqi 3, 5
                req 4, r9
                mmuext_op 2
                ret
            """, DeviceConfig.defaults().withConsoleInput("\\0\\0\\0\\0\\0\\0\\0\\0EVIL")).run();

        assertThat(guest.result(0)).isEqualTo(-Errno.EFAULT);
        assertThat(guest.result(1)).isEqualTo(-Errno.EFAULT);
        assertThat(guest.result(2)).isEqualTo(4);
        assertThat(guest.vm.memory().readWord(L1) & ~(Pte.ACCESSED | Pte.DIRTY))
                .isEqualTo(guest.mfn(0) << 12 | Pte.PRESENT | Pte.WRITABLE);
        contained(guest);
    }

    @Test
    void aDevicesWriteIntoAPinnedFrameIsUndone() {
        PvVm guest = new PvVm("""
                call build
                call pin_and_load
            """).run();
        int before = guest.vm.memory().readWord(L1 + 4) & ~(Pte.ACCESSED | Pte.DIRTY);

        guest.vm.memory().writeWord(L1 + 4, guest.victim.memory().machineFrame(5) << 12 | Pte.PRESENT | Pte.WRITABLE);
        guest.vm.memory().write(L2 + 8, new byte[] {1, 2, 3, 4});   // as a DMA would

        assertThat(guest.vm.memory().readWord(L1 + 4)).as("as validated").isEqualTo(before);
        assertThat(guest.vm.memory().readWord(L2 + 8)).isZero();
        assertThat(guest.counter("pv.mmu.writes_undone")).isEqualTo(5);
        guest.vm.memory().writeWord(PvVm.DATA, 7);
        assertThat(guest.vm.memory().readWord(PvVm.DATA)).as("ordinary memory").isEqualTo(7);
    }

    @Test
    void aBasePointerToAFrameThatIsNoPinnedDirectoryIsRefused() {
        PvVm guest = new PvVm("""
                call build
                reqi 0, 5                   ; the directory, not pinned
                mfn r9, 10
                req 1, r9
                mmuext_op 1
                result 0
                reqi 0, 0                   ; a pinned page table
                mfn r9, 11
                req 1, r9
                mmuext_op 1
                reqi 0, 5
                mmuext_op 1
                result 1
                li r9, DATA                 ; it runs on, on the builder's mapping
                li r10, 42
                sw r10, 0(r9)
                lw r1, 0(r9)
                result 2
            """).run();

        assertThat(guest.result(0)).isEqualTo(EINVAL);
        assertThat(guest.result(1)).isEqualTo(EINVAL);
        assertThat(guest.result(2)).isEqualTo(42);
        assertThat(guest.mmu.onBuilderMapping()).isTrue();
        assertThat(guest.vm.host().mmu().cr3()).isEqualTo(guest.mmu.root());
        contained(guest);
    }

    @Test
    void aTableInUseCannotBeUnpinned() {
        PvVm guest = new PvVm("""
                call build
                call pin_and_load
                reqi 0, 4                   ; unpin the page table: the directory points at it
                mfn r9, 11
                req 1, r9
                mmuext_op 1
                result 0
                reqi 0, 4                   ; unpin the directory: it is the base pointer
                mfn r9, 10
                req 1, r9
                mmuext_op 1
                result 1
                li r9, 0x9000               ; a second table at guest frame 9: 0x400000 -> DATA
                mfn r10, 5
                shli r10, r10, 12
                ori r10, r10, P | W
                sw r10, 0(r9)
                mfn r10, 9                  ; 0x9000 read-only first, so that it can be pinned
                shli r10, r10, 12
                ori r10, r10, P
                update_va_mapping 0x9000, r10, 2
                result 2
                reqi 0, 0
                mfn r9, 9
                req 1, r9
                mmuext_op 1
                result 3
                mfn r9, 10                  ; the directory's entry 1 -> the second table
                shli r9, r9, 12
                addi r9, r9, 4
                req 0, r9
                mfn r10, 9
                shli r10, r10, 12
                ori r10, r10, P | W
                req 1, r10
                mmu_update 1
                result 4
                li r9, 0x400000
                lw r1, 0(r9)
                result 5
                reqi 0, 4                   ; unpin it: in use
                mfn r9, 9
                req 1, r9
                mmuext_op 1
                result 6
                mfn r9, 10                  ; the directory lets go of it
                shli r9, r9, 12
                addi r9, r9, 4
                req 0, r9
                reqi 1, 0
                mmu_update 1
                reqi 0, 4                   ; now it can be unpinned
                mfn r9, 9
                req 1, r9
                mmuext_op 1
                result 7
            """);
        guest.vm.memory().writeWord(PvVm.DATA, 42);
        guest.run();

        assertThat(guest.result(0)).isEqualTo(-Errno.EBUSY);
        assertThat(guest.result(1)).isEqualTo(-Errno.EBUSY);
        assertThat(guest.result(2)).isZero();
        assertThat(guest.result(3)).isZero();
        assertThat(guest.result(4)).isZero();
        assertThat(guest.result(5)).isEqualTo(42);
        assertThat(guest.result(6)).isEqualTo(-Errno.EBUSY);
        assertThat(guest.result(7)).isZero();
        assertThat(guest.counter("pv.mmu.unpins")).isEqualTo(1);
        contained(guest);
    }

    @Test
    void aDirectoryEntryMustPointAtAPinnedPageTable() {
        PvVm guest = new PvVm("""
                call build
                call pin_and_load
                mfn r9, 10
                shli r9, r9, 12
                addi r9, r9, 4              ; the directory's entry 1
                req 0, r9
                mfn r10, 12                 ; a frame not pinned
                shli r10, r10, 12
                ori r10, r10, P | W
                req 1, r10
                mmu_update 1
                result 0
                mfn r10, 10                 ; the directory itself
                shli r10, r10, 12
                ori r10, r10, P | W
                req 1, r10
                mmu_update 1
                result 1
                mfn r10, 11                 ; the page table, as a 4 MiB page
                shli r10, r10, 12
                ori r10, r10, P | W | 0x80
                req 1, r10
                mmu_update 1
                result 2
                arg r10, 0                  ; the victim's frame
                shli r10, r10, 12
                ori r10, r10, P
                req 1, r10
                mmu_update 1
                result 3
                mfn r10, 11                 ; the page table: yes, even twice
                shli r10, r10, 12
                ori r10, r10, P | W
                req 1, r10
                mmu_update 1
                result 4
            """).run();

        assertThat(guest.result(0)).isEqualTo(EPERM);
        assertThat(guest.result(1)).isEqualTo(EPERM);
        assertThat(guest.result(2)).isEqualTo(EPERM);
        assertThat(guest.result(3)).isEqualTo(EPERM);
        assertThat(guest.result(4)).isZero();
        assertThat(guest.mmu.frameTable().inUse(guest.mfn(11))).isEqualTo(2);
        contained(guest);
    }

    @Test
    void outOfRangeCountsCommandsAndPointersAreRefusedChangingNothing() {
        PvVm guest = new PvVm("""
                call build
                call pin_and_load
                li r2, REQ                  ; mmu_update: count -1, 513; a domain not its own
                li r3, -1
                li r4, 0
                li r5, DOMID_SELF
                hypercall 1
                result 0
                li r3, 513
                hypercall 1
                result 1
                li r3, 1
                li r5, 0
                hypercall 1
                result 2
                mfn r9, 11                  ; a command other than MMU_NORMAL_PT_UPDATE
                shli r9, r9, 12
                ori r9, r9, 1
                req 0, r9
                reqi 1, 0
                mmu_update 1
                result 3
                li r2, 0x7FFF0000           ; an unreadable list
                li r3, 1
                li r4, 0
                li r5, DOMID_SELF
                hypercall 1
                result 4
                mfn r9, 11                  ; a done word it may not write: its page table
                shli r9, r9, 12
                req 0, r9
                reqi 1, 0
                li r2, REQ
                li r3, 1
                li r4, L1
                hypercall 1
                result 5
                reqi 0, 99                  ; mmuext_op: a command; count 600; a domain
                mmuext_op 1
                result 6
                li r3, 600
                hypercall 26
                result 7
                li r3, 1
                li r5, 1
                hypercall 26
                result 8
                reqi 0, 0                   ; pin frame -1; pin the pinned table; unpin DATA, not pinned
                reqi 1, -1
                mmuext_op 1
                result 9
                mfn r9, 11
                req 1, r9
                mmuext_op 1
                result 10
                reqi 0, 4
                mfn r9, 5
                req 1, r9
                mmuext_op 1
                result 11
                mfn r10, 5                  ; update_va_mapping: flags 3; an address no table maps
                shli r10, r10, 12
                ori r10, r10, P
                update_va_mapping 0x7000, r10, 3
                result 12
                update_va_mapping 0x800000, r10, 0
                result 13
                mfn r9, 11                  ; a batch stops at its first error, saying how many were done
                shli r9, r9, 12
                addi r10, r9, 7 * 4
                req 0, r10
                mfn r11, 5
                shli r11, r11, 12
                ori r11, r11, P
                req 1, r11
                addi r10, r9, 8 * 4
                req 2, r10
                arg r12, 0
                shli r12, r12, 12
                ori r12, r12, P
                req 3, r12
                addi r10, r9, 9 * 4
                req 4, r10
                req 5, r11
                li r2, REQ
                li r3, 3
                li r4, RESULTS + 4 * 15
                li r5, DOMID_SELF
                hypercall 1
                result 14
            """).run();

        assertThat(guest.result(0)).isEqualTo(EINVAL);
        assertThat(guest.result(1)).isEqualTo(EINVAL);
        assertThat(guest.result(2)).isEqualTo(-Errno.ESRCH);
        assertThat(guest.result(3)).isEqualTo(EINVAL);
        assertThat(guest.result(4)).isEqualTo(-Errno.EFAULT);
        assertThat(guest.result(5)).isEqualTo(-Errno.EFAULT);
        assertThat(guest.result(6)).isEqualTo(EINVAL);
        assertThat(guest.result(7)).isEqualTo(EINVAL);
        assertThat(guest.result(8)).isEqualTo(-Errno.ESRCH);
        assertThat(guest.result(9)).isEqualTo(EPERM);
        assertThat(guest.result(10)).isEqualTo(EINVAL);
        assertThat(guest.result(11)).isEqualTo(EINVAL);
        assertThat(guest.result(12)).isEqualTo(EINVAL);
        assertThat(guest.result(13)).isEqualTo(EINVAL);
        assertThat(guest.result(14)).isEqualTo(EPERM);
        assertThat(guest.result(15)).as("done").isEqualTo(1);
        assertThat(guest.vm.memory().readWord(L1 + 7 * 4)).isEqualTo(guest.mfn(5) << 12 | Pte.PRESENT);
        assertThat(guest.vm.memory().readWord(L1 + 9 * 4) & ~(Pte.ACCESSED | Pte.DIRTY))
                .as("after the error, nothing").isEqualTo(guest.mfn(9) << 12 | Pte.PRESENT | Pte.WRITABLE);
        assertThat(guest.vm.memory().readWord(L1) & ~(Pte.ACCESSED | Pte.DIRTY))
                .as("the refused mmu_update wrote nothing").isEqualTo(guest.mfn(0) << 12 | Pte.PRESENT | Pte.WRITABLE);
        contained(guest);
    }

    @Test
    void aKernelThatWritesCr3ItselfIsNotForThisMmu() {
        PvVm guest = new PvVm("");
        guest.vm.switchIn();
        guest.vm.vcpu().setControlRegister(Registers.CR3, 0x2000);
        guest.vm.vcpu().setControlRegister(Registers.CR0, Registers.CR0_PG);

        guest.mmu.controlRegisterWritten(Registers.CR3);

        assertThat(guest.vm.vcpu().stopReason()).isEqualTo(StopReason.GUEST_ERROR);
        assertThat(guest.vm.vcpu().stopDetail()).contains("MMUEXT_NEW_BASEPTR");
        assertThat(guest.vm.vcpu().controlRegister(Registers.CR3)).isZero();
        assertThat(guest.vm.vcpu().pagingEnabled()).isFalse();
        assertThat(guest.vm.host().mmu().cr3()).isEqualTo(guest.mmu.root());
    }
}
