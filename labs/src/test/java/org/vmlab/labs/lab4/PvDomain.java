package org.vmlab.labs.lab4;

import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.cpu.paravirt.EventDelivery;
import org.vmlab.cpu.paravirt.Paravirtualization;
import org.vmlab.cpu.paravirt.SharedInfo;
import org.vmlab.cpu.paravirt.StartInfo;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.memory.identity.IdentityPaging;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * A small paravirtual domain for Lab 4's tests of event delivery: 64 KiB, the whole machine's, on
 * identity paging (so that only your event delivery is at work), under paravirtualization with
 * your {@link EventChannelDelivery}. Its kernel is {@code body} between a prologue and an
 * epilogue: the prologue keeps the start-info page in {@code r12} and the shared-info page in
 * {@code r11}, sets a stack at {@link #STACK} and registers the event callback; the callback
 * takes the pending unmasked ports (ORing them into {@code r9}, counting upcalls in {@code r10},
 * keeping the frame's return pc and FLAGS at {@code upcall_pc} and {@code upcall_flags}), clears
 * upcall pending and their pending bits, and returns with {@code iret}; {@code shutdown} powers
 * off. Events start masked, every port masked, as the domain builder leaves them
 * (docs/paravirt.md).
 */
public final class PvDomain {
    static final int MEMORY = 64 << 10;
    static final int KERNEL_BASE = 0x1000;
    static final int STACK = 0x9000;

    private static final String PROLOGUE = """
                mov r12, r2             ; the start-info page
                lw r11, 8(r12)          ; the shared-info page
                li sp, 0x9000
                li r1, 4                ; set_callbacks(callback, 0)
                li r2, callback
                li r3, 0
                int 0x82
            """;

    private static final String EPILOGUE = """
            shutdown:
                li r1, 29               ; sched_op(SCHEDOP_shutdown, &poweroff)
                li r2, 2
                li r3, poweroff
                int 0x82
            poweroff:
                .word 0
            callback:
                push r5
                push r6
                push r7
                lw r5, 16(sp)           ; the frame above the three: error code, pc, FLAGS, sp
                li r6, upcall_pc
                sw r5, 0(r6)
                lw r5, 20(sp)
                li r6, upcall_flags
                sw r5, 0(r6)
                sw r0, 0(r11)           ; upcall pending <- 0
                lw r5, 64(r11)          ; the pending ports
                lw r6, 68(r11)          ; the masked ones
                li r7, -1
                xor r6, r6, r7
                and r5, r5, r6          ; pending and not masked: taken
                or r9, r9, r5
                xor r5, r5, r7
                lw r6, 64(r11)
                and r6, r6, r5
                sw r6, 64(r11)          ; their pending bits cleared
                addi r10, r10, 1
                pop r7
                pop r6
                pop r5
                addi sp, sp, 4          ; drop the error code
                push r1
                li r1, 23               ; iret()
                int 0x82
            upcall_pc:
                .word 0
            upcall_flags:
                .word 0
            """;

    private PvDomain() {
    }

    /**
     * The kernel's source: {@code body} between the prologue and the epilogue (the callback and
     * {@code shutdown}). The paravirtual CPU's own tests run the same kernels.
     */
    public static String source(String body) {
        return PROLOGUE + body + EPILOGUE;
    }

    /** The domain with {@code body} loaded, under paravirtualization with {@code delivery}; not run yet. */
    static VirtualMachine load(EventDelivery delivery, String body) {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(IsaVariant.CLASSIC).memoryBytes(MEMORY)
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        VmConfig config = new VmConfig("domain", MEMORY, MEMORY >> 12, 1_000_000, DeviceConfig.defaults());
        VirtualMachine vm = vmm.create(config, new Paravirtualization(delivery), new IdentityPaging());
        vm.load(kernel(source(body)));
        return vm;
    }

    /** Runs {@code body} to its end. */
    static VirtualMachine run(EventDelivery delivery, String body) {
        VirtualMachine vm = load(delivery, body);
        vm.run();
        return vm;
    }

    private static org.vmlab.machine.image.Image kernel(String body) {
        String source = "    .segment kernel, " + KERNEL_BASE + "\n    .entry start\nstart:\n" + body;
        try {
            return Assembler.assembleSource(source);
        } catch (AssemblyException e) {
            throw new IllegalArgumentException("the test kernel does not assemble: " + e.getMessage(), e);
        }
    }

    /** What the domain builder handed the kernel of {@code vm}. */
    public static StartInfo startInfo(VirtualMachine vm) {
        return ((Paravirtualization) vm.cpuVirtualization()).startInfo();
    }

    /** The shared-info page of {@code vm}, as the hypervisor reads it. */
    public static SharedInfo shared(VirtualMachine vm) {
        return new SharedInfo(vm.memory(), startInfo(vm).sharedInfo());
    }

    /** The address of label {@code name}. */
    static int symbol(VirtualMachine vm, String name) {
        return vm.symbols().address(name).orElseThrow(() -> new IllegalArgumentException("no label " + name));
    }

    /** The word at label {@code name}. */
    static int word(VirtualMachine vm, String name) {
        return vm.memory().readWord(symbol(vm, name));
    }
}
