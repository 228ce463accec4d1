package org.vmlab.cpu.paravirt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.cpu.TinyVm;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.isa.Registers;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.VirtualMachine;

/**
 * Events reach a paravirtual guest through its shared-info page: masking and unmasking them is a
 * store, an event sets its port's pending bit, and the hypervisor delivers an upcall to the
 * guest's callback when one is pending and events are unmasked: at an entry, or as the hypercall
 * that found it returns.
 */
class EventDeliveryTest {
    /** A loopback channel: ports {@code a} and {@code b} of this domain, connected, {@code b} unmasked. */
    private static final String LOOPBACK = """
                li r1, 32               ; event_channel_op(alloc_unbound, &alloc): port a
                li r2, 6
                li r3, alloc
                int 0x82
                li r5, alloc_port       ; bind's remote port is a
                lw r5, 0(r5)
                li r6, bind_remote
                sw r5, 0(r6)
                li r1, 32               ; bind_interdomain(&bind): port b, connected to a
                li r2, 0
                li r3, bind
                int 0x82
                li r1, 32               ; unmask(b)
                li r2, 9
                li r3, bind_port
                int 0x82
                jmp loopback_done
            alloc:
                .word 0x7FF0, 0x7FF0
            alloc_port:
                .word 0
            bind:
                .word 0x7FF0
            bind_remote:
                .word 0
            bind_port:
                .word 0
            loopback_done:
            """;


    @Test
    void maskingAndUnmaskingEventsIsAStoreThatCostsNoExit() {
        VirtualMachine vm = PvKernel.run("""
                    li r5, 1000
                    li r6, 1
                loop:
                    sw r6, 4(r11)           ; mask
                    sw r0, 4(r11)           ; unmask
                    addi r5, r5, -1
                    cmp r5, r0
                    bne loop
                    jmp shutdown
                """);

        assertThat(vm.vcpu().stopDetail()).isEqualTo("the guest shut down (poweroff)");
        assertThat(vm.counters().totalExits()).as("set_callbacks and the shutdown, nothing for 2,000 stores")
                .isEqualTo(2).isEqualTo(vm.counters().exits(Exit.Hypercall.KIND));
        assertThat(vm.vcpu().virtualInterruptsEnabled()).as("read from the upcall mask at the exit").isTrue();
    }

    @Test
    void unmaskingWithAnEventPendingAndCallingXenVersionDeliversTheUpcallAsTheCallReturns() {
        VirtualMachine vm = PvKernel.run(LOOPBACK + """
                    li r1, 32               ; send(a): an event for b, events still masked
                    li r2, 4
                    li r3, alloc_port
                    int 0x82
                    mov r8, r10             ; no upcall yet
                    lw r7, 0(r11)           ; upcall pending, as the guest sees it
                    sw r0, 4(r11)           ; unmask events: a store
                    lw r5, 0(r11)
                    cmp r5, r0
                    beq shutdown
                    li r1, 17               ; xen_version(XENVER_version): take the upcall
                    li r2, 0
                    int 0x82
                after_call:
                    mov r13, r1
                    jmp shutdown
                """);
        int port = PvKernel.word(vm, "bind_port");

        assertThat(vm.vcpu().register(8)).as("masked: nothing delivered").isZero();
        assertThat(vm.vcpu().register(7)).as("upcall pending").isEqualTo(1);
        assertThat(vm.vcpu().register(10)).as("one upcall").isEqualTo(1);
        assertThat(vm.vcpu().register(9)).as("the port it took").isEqualTo(1 << port);
        assertThat(PvKernel.word(vm, "upcall_pc")).as("returns where the hypercall returns")
                .isEqualTo(TinyVm.symbol(vm, "after_call"));
        assertThat(PvKernel.word(vm, "upcall_flags") & Registers.FLAG_IF).as("FLAGS: events were unmasked")
                .isEqualTo(Registers.FLAG_IF);
        assertThat(vm.vcpu().register(13)).as("xen_version's result, kept across the upcall").isEqualTo(3 << 16);
        assertThat(vm.counters().named("pv.evtchn.upcalls")).isEqualTo(1);
        assertThat(vm.counters().events(ParavirtEvent.EVENT_UPCALL)).isEqualTo(1);
        assertThat(vm.counters().named("pv.evtchn.sent")).isEqualTo(1);
        assertThat(vm.counters().named("pv.evtchn.pending")).isEqualTo(1);
        assertThat(vm.counters().named("pv.hypercall.xen_version")).isEqualTo(1);
    }

    @Test
    void aLoopbackChannelCarriesEventsBothWays() {
        VirtualMachine vm = PvKernel.run(LOOPBACK + """
                    li r1, 32               ; send(b): an event for a
                    li r2, 4
                    li r3, bind_port
                    int 0x82
                    mov r7, r1
                    jmp shutdown
                """);
        int a = PvKernel.word(vm, "alloc_port");
        int b = PvKernel.word(vm, "bind_port");
        SharedInfo shared = PvKernel.shared(vm);

        assertThat(vm.vcpu().register(7)).isZero();
        assertThat(a).as("after the builder's two").isEqualTo(3);
        assertThat(b).isEqualTo(4);
        assertThat(shared.pendingPorts()).as("a is pending").isEqualTo(1 << a);
        assertThat(shared.upcallPending()).as("but a is masked").isFalse();
    }

    @Test
    void anInterruptOfABoundLineWhileEventsAreMaskedBecomesPendingAndIsDeliveredOnUnmasking() {
        VirtualMachine vm = PvKernel.run("""
                    li r1, 32               ; bind_pirq(&pirq): the timer's line 0
                    li r2, 2
                    li r3, pirq
                    int 0x82
                    li r1, 32               ; unmask its port
                    li r2, 9
                    li r3, pirq_port
                    int 0x82
                    li r5, 100              ; the timer, every 100 ticks: port I/O, emulated
                    out 0x40, r5
                wait:
                    lw r5, 64(r11)          ; until the port is pending
                    cmp r5, r0
                    beq wait
                    li r5, 0
                    out 0x40, r5            ; the timer off
                    mov r8, r10             ; no upcall while masked
                    in r7, 0x22             ; the controller's lines in service
                    sw r0, 4(r11)           ; unmask events
                    li r1, 17               ; and take the upcall
                    li r2, 0
                    int 0x82
                    jmp shutdown
                pirq:
                    .word 0, 0
                pirq_port:
                    .word 0
                """);
        int port = PvKernel.word(vm, "pirq_port");

        assertThat(vm.vcpu().stopDetail()).isEqualTo("the guest shut down (poweroff)");
        assertThat(vm.vcpu().register(8)).isZero();
        assertThat(vm.vcpu().register(7)).as("the hypervisor ended the interrupt").isZero();
        assertThat(vm.vcpu().register(10)).isEqualTo(1);
        assertThat(vm.vcpu().register(9)).isEqualTo(1 << port);
        assertThat(vm.counters().events(CoreEvent.INJECTION)).as("never injected: events were masked").isZero();
        assertThat(vm.counters().exits(Exit.IoAccess.KIND)).isEqualTo(3);
        assertThat(vm.counters().events(CoreEvent.DEVICE_EMULATION)).isEqualTo(3);
    }

    @Test
    void anInterruptOfALineNoPortIsBoundToIsAcknowledgedAndDropped() {
        VirtualMachine vm = PvKernel.run("""
                    li r5, 100
                    out 0x40, r5
                    li r5, 2000
                spin:
                    addi r5, r5, -1
                    cmp r5, r0
                    bne spin
                    li r5, 0
                    out 0x40, r5
                    in r7, 0x22             ; in service
                    in r8, 0x20             ; pending
                    jmp shutdown
                """);

        assertThat(vm.counters().named("pv.pirq.dropped")).isGreaterThanOrEqualTo(10);
        assertThat(vm.vcpu().register(7)).isZero();
        assertThat(vm.vcpu().register(8)).isZero();
        assertThat(PvKernel.shared(vm).pendingPorts()).isZero();
    }

    @Test
    void anInterruptWhileEventsAreUnmaskedIsDeliveredAtOnce() {
        VirtualMachine vm = PvKernel.run("""
                    li r1, 32               ; bind_pirq(0) and unmask it
                    li r2, 2
                    li r3, pirq
                    int 0x82
                    li r1, 32
                    li r2, 9
                    li r3, pirq_port
                    int 0x82
                    sw r0, 4(r11)           ; events on
                    li r5, 100
                    out 0x40, r5
                spin:
                    cmpi r10, 3             ; three upcalls
                    blt spin
                    li r6, 1                ; events off
                    sw r6, 4(r11)
                    li r5, 0
                    out 0x40, r5
                    jmp shutdown
                pirq:
                    .word 0, 0
                pirq_port:
                    .word 0
                """);

        assertThat(vm.vcpu().stopDetail()).isEqualTo("the guest shut down (poweroff)");
        assertThat(vm.vcpu().register(10)).isGreaterThanOrEqualTo(3);
        assertThat(vm.counters().events(CoreEvent.INJECTION)).as("the core took them from the controller")
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void aTimerDeadlineWakesABlockedKernelWithVirqTimer() {
        VirtualMachine vm = PvKernel.run("""
                    li r1, 32               ; bind_virq(VIRQ_TIMER, 0) and unmask it
                    li r2, 1
                    li r3, virq
                    int 0x82
                    li r1, 32
                    li r2, 9
                    li r3, virq_port
                    int 0x82
                    lw r5, 12(r11)          ; the time, as the hypervisor wrote it at the entry
                    li r6, 5000
                    add r5, r5, r6
                    li r6, deadline
                    sw r5, 0(r6)
                    li r1, 15               ; set_timer_op(deadline, 0)
                    mov r2, r5
                    li r3, 0
                    int 0x82
                    li r1, 29               ; sched_op(SCHEDOP_block)
                    li r2, 1
                    int 0x82
                woke:
                    jmp shutdown
                virq:
                    .word 0, 0
                virq_port:
                    .word 0
                deadline:
                    .word 0
                """);
        int port = PvKernel.word(vm, "virq_port");

        assertThat(vm.vcpu().stopDetail()).isEqualTo("the guest shut down (poweroff)");
        assertThat(vm.vcpu().register(10)).isEqualTo(1);
        assertThat(vm.vcpu().register(9)).as("VIRQ_TIMER's port").isEqualTo(1 << port);
        assertThat(PvKernel.word(vm, "upcall_pc")).as("back after the block").isEqualTo(TinyVm.symbol(vm, "woke"));
        assertThat(vm.vcpu().ticks()).as("it slept until the deadline")
                .isGreaterThanOrEqualTo(PvKernel.word(vm, "deadline"));
        assertThat(vm.vcpu().ticks() - vm.vcpu().instructions()).as("ticks idle").isGreaterThan(4000);
    }

    @Test
    void blockingWithNothingToWakeItIdlesForever() {
        VirtualMachine vm = PvKernel.run("""
                    li r1, 29
                    li r2, 1
                    int 0x82
                    jmp shutdown
                """);

        assertThat(vm.vcpu().stopReason()).isEqualTo(org.vmlab.machine.StopReason.IDLE_FOREVER);
    }

    @Test
    void aCancelledDeadlineRaisesNothing() {
        VirtualMachine vm = PvKernel.run("""
                    li r1, 32
                    li r2, 1
                    li r3, virq
                    int 0x82
                    li r1, 15               ; set_timer_op(now + 100), then cancel: set_timer_op(0)
                    lw r2, 12(r11)
                    addi r2, r2, 100
                    li r3, 0
                    int 0x82
                    li r1, 15
                    li r2, 0
                    int 0x82
                    li r5, 1000
                spin:
                    addi r5, r5, -1
                    cmp r5, r0
                    bne spin
                    jmp shutdown
                virq:
                    .word 0, 0, 0
                """);

        assertThat(PvKernel.shared(vm).pendingPorts()).isZero();
    }

    @Test
    void consoleInputWaitingRaisesVirqConsoleAtBootAndAgainWhileAReadLeavesSome() {
        VirtualMachine vm = PvKernel.run(DeviceConfig.defaults().withConsoleInput("abc"), """
                    lw r7, 64(r11)          ; pending at boot: the console's port
                    sw r0, 64(r11)
                    li r1, 18               ; console_io(CONSOLEIO_read, 1, buf)
                    li r2, 1
                    li r3, 1
                    li r4, buf
                    int 0x82
                    lw r8, 64(r11)          ; pending again: input is left
                    sw r0, 64(r11)
                    li r1, 18               ; read the rest
                    li r2, 1
                    li r3, 10
                    li r4, buf
                    int 0x82
                    mov r13, r1
                    lw r6, 64(r11)          ; nothing left: not pending
                    jmp shutdown
                buf:
                    .space 16
                """);
        int console = PvKernel.startInfo(vm).consolePort();

        assertThat(vm.vcpu().register(7)).isEqualTo(1 << console);
        assertThat(vm.vcpu().register(8)).isEqualTo(1 << console);
        assertThat(vm.vcpu().register(13)).isEqualTo(2);
        assertThat(vm.vcpu().register(6)).isZero();
    }

    @Test
    void aTrapTableEntryMasksEventsOnEntryOnlyWhenItSaysSo() {
        VirtualMachine vm = PvKernel.run("""
                    li r1, 0                ; set_trap_table(table)
                    li r2, table
                    int 0x82
                    sw r0, 4(r11)           ; events on
                    int 0x80                ; an entry that masks them
                    mov r7, r13
                    int 0x81                ; one that leaves them as they were
                    mov r8, r13
                    jmp shutdown
                handler:
                    lw r13, 4(r11)          ; the upcall mask, as the handler finds it
                    lw r6, 8(sp)            ; FLAGS in the frame
                    andi r6, r6, 0x200
                    or r9, r9, r6
                    sw r0, 4(r11)           ; events on again, as iret would leave them
                    addi sp, sp, 4
                    push r1
                    li r1, 23
                    int 0x82
                table:
                    .word 0x0480, handler   ; vector 0x80, ring 0, mask events (TI_GET_IF)
                    .word 0x0081, handler   ; vector 0x81, ring 0
                    .word 0, 0
                """);

        assertThat(vm.vcpu().stopDetail()).isEqualTo("the guest shut down (poweroff)");
        assertThat(vm.vcpu().register(7)).as("masked on entry").isEqualTo(1);
        assertThat(vm.vcpu().register(8)).as("left unmasked").isZero();
        assertThat(vm.vcpu().register(9)).as("the frames' FLAGS: events were on").isEqualTo(Registers.FLAG_IF);
    }

    @Test
    void iretRestoresTheUpcallMaskFromTheFlagsItReturnsTo() {
        VirtualMachine vm = PvKernel.run("""
                    li r1, 0
                    li r2, table
                    int 0x82
                    sw r0, 4(r11)           ; events on
                    int 0x80                ; masked in the handler, unmasked by its iret
                    lw r7, 4(r11)
                    jmp shutdown
                handler:
                    lw r8, 4(r11)
                    addi sp, sp, 4
                    push r1
                    li r1, 23
                    int 0x82
                table:
                    .word 0x0480, handler
                    .word 0, 0
                """);

        assertThat(vm.vcpu().register(8)).isEqualTo(1);
        assertThat(vm.vcpu().register(7)).isZero();
    }

    @Test
    void theHypervisorWritesCr2AndTheTimeIntoTheSharedInfoPageBeforeEachEntry() {
        VirtualMachine vm = PvKernel.load(DeviceConfig.defaults(), """
                    lw r7, 8(r11)           ; cr2
                    li r1, 29               ; sched_op(SCHEDOP_yield): an exit
                    li r2, 0
                    int 0x82
                after_yield:
                    lw r8, 12(r11)          ; the time at the entry after it
                    jmp shutdown
                """);
        vm.vcpu().setControlRegister(Registers.CR2, 0x1234);   // as a page fault delivered to the guest leaves it

        vm.run();

        assertThat(vm.vcpu().register(7)).isEqualTo(0x1234);
        assertThat(vm.vcpu().register(8)).as("the ticks of the instructions up to the yield, included")
                .isEqualTo(TinyVm.symbol(vm, "after_yield") - TinyVm.KERNEL_BASE >> 2);
    }
}
