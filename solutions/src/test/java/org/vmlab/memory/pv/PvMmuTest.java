package org.vmlab.memory.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.memory.pv.PvVm.L1;
import static org.vmlab.memory.pv.PvVm.L2;

import org.junit.jupiter.api.Test;
import org.vmlab.cpu.paravirt.ParavirtEvent;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.Pte;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.Exit;

/**
 * The paravirtual MMU with a guest that uses it as it should: it builds a page directory and a
 * page table in its own memory, naming machine frames from its frame list, pins them, loads the
 * directory as its base pointer, and runs on its own tables, changing them by validated
 * hypercalls, several to an exit.
 */
class PvMmuTest {
    private static final String BUILD_PIN_LOAD_AND_UPDATE = """
                call build
                call pin_and_load
                result 0
                li r9, DATA
                li r10, 42
                sw r10, 0(r9)               ; through its own tables
                mfn r9, 5                   ; update_va_mapping(0x7000, frame of DATA | P | W, UVMF_INVLPG)
                shli r9, r9, 12
                ori r9, r9, P | W
                update_va_mapping 0x7000, r9, 2
                result 1
                li r9, 0x7000
                lw r1, 0(r9)
                result 2
                mfn r9, 11                  ; one mmu_update: 0xC000 and 0xD000 to DATA's frame, read-only
                shli r9, r9, 12
                mfn r10, 5
                shli r10, r10, 12
                ori r10, r10, P
                addi r11, r9, 12 * 4
                req 0, r11
                req 1, r10
                addi r11, r9, 13 * 4
                req 2, r11
                req 3, r10
                mmu_update 2
                result 3
                li r9, 0xC000
                lw r1, 0(r9)
                result 4
                li r9, 0xD000
                lw r1, 0(r9)
                result 5
            """;

    @Test
    void aGuestPinsTheTablesItBuiltLoadsItsBaseAndRunsOnThem() {
        PvVm guest = new PvVm(BUILD_PIN_LOAD_AND_UPDATE).run();

        assertThat(guest.vm.vcpu().stopReason()).as(guest.vm.vcpu().stopDetail()).isEqualTo(StopReason.HALT);
        assertThat(guest.result(0)).as("mmuext_op: pin, pin, new base pointer").isZero();
        assertThat(guest.result(1)).as("update_va_mapping").isZero();
        assertThat(guest.result(2)).as("read through the new mapping").isEqualTo(42);
        assertThat(guest.result(3)).as("mmu_update").isZero();
        assertThat(guest.result(4)).isEqualTo(42);
        assertThat(guest.result(5)).isEqualTo(42);
        int base = guest.mfn(10) << 12;
        assertThat(guest.mmu.onBuilderMapping()).isFalse();
        assertThat(guest.vm.host().mmu().cr3()).as("the real MMU walks the guest's directory").isEqualTo(base);
        assertThat(guest.vm.vcpu().controlRegister(Registers.CR3)).as("the vCPU's cr3: a machine address").isEqualTo(base);
        assertThat(guest.vm.vcpu().pagingEnabled()).isTrue();
        assertThat(guest.mmu.frameTable().type(guest.mfn(11))).isEqualTo(PageType.L1);
        assertThat(guest.mmu.frameTable().type(guest.mfn(10))).isEqualTo(PageType.L2);
        assertThat(guest.mmu.frameTable().inUse(guest.mfn(10))).as("the base pointer").isEqualTo(1);
        assertThat(guest.mmu.frameTable().inUse(guest.mfn(11))).as("the directory's entry").isEqualTo(1);
    }

    @Test
    void everyChangeIsCountedAndABatchIsOneExit() {
        PvVm guest = new PvVm(BUILD_PIN_LOAD_AND_UPDATE).run();

        assertThat(guest.counter("pv.hypercall.mmuext_op")).isEqualTo(1);
        assertThat(guest.counter("pv.hypercall.update_va_mapping")).isEqualTo(1);
        assertThat(guest.counter("pv.hypercall.mmu_update")).isEqualTo(1);
        assertThat(guest.counter("pv.mmu.pins")).isEqualTo(2);
        assertThat(guest.counter("pv.mmu.batches")).as("mmuext_op and mmu_update").isEqualTo(2);
        assertThat(guest.counter("pv.mmu.batched")).as("three operations, two requests").isEqualTo(5);
        assertThat(guest.counter("pv.mmu.validated")).as("16 + 1 present entries pinned, then 1 + 2 updates")
                .isEqualTo(20);
        assertThat(guest.counter("pv.mmu.rejected")).isZero();
        assertThat(guest.vm.counters().events(PvMmuEvent.ENTRY_VALIDATION)).isEqualTo(20);
        assertThat(guest.vm.counters().exits(Exit.Hypercall.KIND))
                .as("set_trap_table, mmuext_op, update_va_mapping, mmu_update, sched_op").isEqualTo(5);
        assertThat(guest.vm.counters().events(ParavirtEvent.HYPERCALL)).isEqualTo(5);
        assertThat(guest.vm.counters().events(CoreEvent.REFLECTION)).as("no fault").isZero();
    }

    @Test
    void theBuildersMappingIsGoneWithTheFirstBasePointerAndItsFramesWithIt() {
        PvVm guest = new PvVm(BUILD_PIN_LOAD_AND_UPDATE);
        int directory = guest.mmu.root() >>> 12;
        int table = guest.vmm.frames().memory().readWord(directory << 12) >>> 12;
        assertThat(guest.vmm.frames().owner(directory)).isEqualTo("vmm");
        assertThat(guest.vmm.frames().owner(table)).isEqualTo("vmm");

        guest.run();

        assertThat(guest.vmm.frames().owner(directory)).as("given back").isNull();
        assertThat(guest.vmm.frames().owner(table)).isNull();
    }

    @Test
    void aVmRemovedBeforeItsBasePointerGivesBackTheBuildersFramesAndItsOwn() {
        PvVm guest = new PvVm("");
        int free = guest.vmm.frames().freeFrames();

        guest.vmm.remove(guest.vm);

        assertThat(guest.vmm.frames().freeFrames()).as("16 of its own, a directory and a table")
                .isEqualTo(free + 16 + 2);
    }

    @Test
    void beforeItsBasePointerTheGuestRunsOnTheBuildersMappingOfItsMemory() {
        PvVm guest = new PvVm("""
                li r9, DATA
                li r10, 42
                sw r10, 0(r9)
                lw r1, 0(r9)
                result 0
            """);
        int builder = guest.mmu.root();

        guest.run();

        assertThat(guest.result(0)).isEqualTo(42);
        assertThat(guest.mmu.onBuilderMapping()).isTrue();
        assertThat(guest.vm.vcpu().pagingEnabled()).as("as far as the guest knows, paging is off").isFalse();
        assertThat(guest.vm.host().mmu().cr3()).isEqualTo(builder);
        assertThat(guest.vm.host().mmu().cr0() & (Registers.CR0_PG | Registers.CR0_WP))
                .as("for real, paging is on and ring 1 honours read-only pages")
                .isEqualTo(Registers.CR0_PG | Registers.CR0_WP);
        assertThat(guest.vm.memory().readWord(PvVm.DATA)).isEqualTo(42);
    }

    @Test
    void aPageFaultIsTheGuestsOwnWithItsAddress() {
        PvVm guest = new PvVm("""
                call build
                call pin_and_load
                li r9, 0x800000             ; no table maps it
                lw r1, 0(r9)
            """).run();

        assertThat(guest.vm.vcpu().register(13)).isEqualTo(PvVm.PAGE_FAULT_MARK);
        assertThat(guest.vm.vcpu().controlRegister(Registers.CR2)).isEqualTo(0x800000);
        assertThat(guest.vm.vcpu().register(12)).as("not present, a read, from the kernel").isZero();
    }

    @Test
    void aDevicesRegistersAreEmulatedBeforeAndAfterTheBasePointer() {
        PvVm guest = new PvVm("""
                li r9, 0xF0000004           ; the network interface's TX_SIZE, paging off as it seems
                li r10, 7
                sw r10, 0(r9)
                lw r1, 0(r9)
                result 0
                call build
                call pin_and_load
                li r9, 0xF0000000 | P | W   ; 0x7000 maps the interface's page
                update_va_mapping 0x7000, r9, 2
                result 1
                li r9, 0x7004
                lw r1, 0(r9)
                result 2
                li r10, 9
                sw r10, 0(r9)
                lw r1, 0(r9)
                result 3
                li r9, 0xE0000000 | P       ; where no device is: no
                update_va_mapping 0x7000, r9, 2
                result 4
            """).run();

        assertThat(guest.result(0)).isEqualTo(7);
        assertThat(guest.result(1)).isZero();
        assertThat(guest.result(2)).isEqualTo(7);
        assertThat(guest.result(3)).isEqualTo(9);
        assertThat(guest.result(4)).isEqualTo(-org.vmlab.vmm.Errno.EPERM);
        assertThat(guest.vm.counters().events(CoreEvent.DEVICE_EMULATION)).isEqualTo(5);
    }

    @Test
    void aMulticallOfMappingUpdatesIsOneExit() {
        PvVm guest = new PvVm("""
                call build
                call pin_and_load
                mfn r9, 5
                shli r9, r9, 12
                ori r9, r9, P | W
                li r10, 14                  ; two update_va_mapping in one multicall
                li r11, 0x7000
                li r12, 2
                li r7, REQ
                sw r10, 0(r7)
                sw r11, 8(r7)
                sw r9, 12(r7)
                sw r12, 16(r7)
                sw r10, 32(r7)
                li r11, 0x8000
                sw r11, 40(r7)
                sw r9, 44(r7)
                sw r12, 48(r7)
                li r2, REQ
                li r3, 2
                hypercall 13
                result 0
                li r7, REQ
                lw r1, 4(r7)
                result 1
                lw r1, 36(r7)
                result 2
            """).run();

        assertThat(guest.result(0)).isZero();
        assertThat(guest.result(1)).isZero();
        assertThat(guest.result(2)).isZero();
        assertThat(guest.counter("pv.hypercall.update_va_mapping")).isEqualTo(2);
        assertThat(guest.vm.counters().exits(Exit.Hypercall.KIND))
                .as("set_trap_table, mmuext_op, multicall, sched_op").isEqualTo(4);
        assertThat(guest.vm.memory().readWord(L1 + 7 * 4) & Pte.FRAME_MASK).isEqualTo(guest.mfn(5) << 12);
        assertThat(guest.vm.memory().readWord(L2) & Pte.FRAME_MASK).isEqualTo(guest.mfn(11) << 12);
    }
}
