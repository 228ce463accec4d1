package org.vmlab.memory.pv;

import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.cpu.paravirt.Paravirtualization;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * A small paravirtual guest under the paravirtual CPU and MMU, for the tests: 64 KiB of memory,
 * beside a victim VM of the same size that holds a secret. The test stands for the domain
 * builder: it loads the kernel and writes the frame list (word {@code i} at {@link #FRAMES}: the
 * machine frame of guest frame {@code i}).
 *
 * <p>The guest's layout (guest frames): 1-2 code, 3 the frame list and the words the test leaves
 * for it ({@link #ARGS}), 4 its requests, 5 data, 6 its results, 8 its stack, 10 its page
 * directory, 11 its page table. {@link #LIBRARY} gives it macros and routines: {@code build}
 * fills the page table with guest frames 0-15 at their own addresses (frames 10 and up
 * read-only) and the directory's entry 0 with the table; {@code pin_and_load} pins both and loads
 * the directory as base pointer, in one {@code mmuext_op}; {@code result k} stores r1 as result
 * {@code k}; page faults and #GP end the guest with a mark in r13 (0xFA17, 0x6B) and the error
 * code in r12.
 */
final class PvVm {
    static final int MACHINE = 256 << 10;
    static final int MEMORY = 64 << 10;
    /** Where the boot stub goes, so that the domain builder's pages follow it, out of the way. */
    static final int BUILDER_AREA = 0xC000;
    static final int FRAMES = 0x3000;
    static final int ARGS = 0x3100;
    static final int DATA = 0x5000;
    static final int RESULTS = 0x6000;
    static final int L2 = 0xA000;
    static final int L1 = 0xB000;
    static final int SECRET = 0x5EC12E7;
    static final int PAGE_FAULT_MARK = 0xFA17;
    static final int GP_MARK = 0x6B;

    static final String LIBRARY = org.vmlab.labs.lab4.PvGuestLibrary.LIBRARY;

    private static final String ROUTINES = """
                poweroff
            build:
                li r9, 0
            build_next:
                shli r10, r9, 2
                li r11, FRAMES
                add r11, r11, r10
                lw r12, 0(r11)
                shli r12, r12, 12
                ori r12, r12, P | W
                cmpi r9, 10
                blt build_rw
                xori r12, r12, W
            build_rw:
                li r11, L1
                add r11, r11, r10
                sw r12, 0(r11)
                addi r9, r9, 1
                cmpi r9, 16
                blt build_next
                mfn r12, 11
                shli r12, r12, 12
                ori r12, r12, P | W
                li r11, L2
                sw r12, 0(r11)
                ret
            pin_and_load:
                reqi 0, 0                   ; MMUEXT_PIN_L1_TABLE
                mfn r9, 11
                req 1, r9
                reqi 3, 1                   ; MMUEXT_PIN_L2_TABLE
                mfn r9, 10
                req 4, r9
                reqi 6, 5                   ; MMUEXT_NEW_BASEPTR
                req 7, r9
                mmuext_op 3
                ret
            pf_handler:
                lw r12, 0(sp)
                li r13, 0xFA17
                poweroff
            gp_handler:
                li r13, 0x6B
                poweroff
                .align 4
            traps:
                .word 14, pf_handler
                .word 13, gp_handler
                .word 0, 0
            off_reason:
                .word 0
            """;

    final Hypervisor vmm;
    final VirtualMachine vm;
    final PvMmu mmu = new PvMmu(new org.vmlab.labs.lab4.DirectPagingRules());
    final VirtualMachine victim;
    final PvMmu victimMmu = new PvMmu(new org.vmlab.labs.lab4.DirectPagingRules());

    /** The guest running {@code body} after its prologue (a stack, its trap table), loaded, not run yet. */
    PvVm(String body) {
        this(body, DeviceConfig.defaults());
    }

    PvVm(String body, DeviceConfig devices) {
        vmm = new Hypervisor(MachineConfig.builder().memoryBytes(MACHINE).fuel(Long.MAX_VALUE).build(),
                VmmCostModel.DEFAULT);
        victim = vmm.create(new VmConfig("victim", MEMORY, MEMORY >> 12, 1_000_000, DeviceConfig.defaults()),
                new Paravirtualization(new NoEvents()), victimMmu);
        victim.memory().writeWord(DATA, SECRET);
        vm = vmm.create(new VmConfig("guest", MEMORY, MEMORY >> 12, 1_000_000, devices),
                new Paravirtualization(new NoEvents()), mmu);
        vm.load(kernel(body));
        for (int gfn = 0; gfn < vm.memory().frames(); gfn++) {
            vm.memory().writeWord(FRAMES + 4 * gfn, mfn(gfn));
        }
        arg(0, victim.memory().machineFrame(DATA >>> 12));
        arg(1, victimMmu.root() >>> 12);
    }

    static org.vmlab.machine.image.Image kernel(String body) {
        // The entry sits in a segment of its own, far above the layout, so that the domain
        // builder's pages (start-info, shared-info, frame list: after the entry's segment) do too.
        String source = LIBRARY + "    .segment boot, " + BUILDER_AREA + "\n    .entry start\nstart:\n"
                + "    jmp main\n    .segment kernel, 0x1000\nmain:\n"
                + "    li sp, 0x9000\n    li r2, traps\n    hypercall 0\n" + body + ROUTINES;
        try {
            return Assembler.assembleSource(source);
        } catch (AssemblyException e) {
            throw new IllegalArgumentException("the test guest does not assemble: " + e.getMessage(), e);
        }
    }

    /** Leaves word {@code k} for the guest at {@link #ARGS}. */
    void arg(int k, int value) {
        vm.memory().writeWord(ARGS + 4 * k, value);
    }

    int mfn(int gfn) {
        return vm.memory().machineFrame(gfn);
    }

    /** Runs the guest until it stops. */
    PvVm run() {
        vm.run();
        return this;
    }

    /** The guest's result {@code k} (its r1 after a call, stored with {@code result k}). */
    int result(int k) {
        return vm.memory().readWord(RESULTS + 4 * k);
    }

    long counter(String name) {
        return vm.counters().named(name);
    }
}
