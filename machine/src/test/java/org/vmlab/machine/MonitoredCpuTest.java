package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.vmlab.machine.Bench.i;
import static org.vmlab.machine.Bench.rri;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vmlab.machine.device.BlockDevice;
import org.vmlab.machine.device.MmioDevice;
import org.vmlab.machine.device.NetworkInterface;
import org.vmlab.machine.device.Timer;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Pte;

/**
 * The machine in a monitor's hands ({@code docs/vmm.md}, "The real machine, monitored"): with
 * {@link ExitControls#EVERY_TRAP} every trap stops the run with {@link StopReason#TRAP} and a
 * {@link Trap} instead of entering a handler through the interrupt table in memory; with
 * {@link org.vmlab.machine.device.MmioBus#setTrapping} a load or store that reaches a device
 * register is a page fault instead of a device access. Time stays exact: an interrupt reaches the
 * monitor at the very instruction boundary where bare metal would have taken it.
 *
 * <p>The {@link Bench}'s interrupt table is in place throughout, so a handler that runs would show
 * (r13); none must.
 */
class MonitoredCpuTest {
    private static final int NIC = NetworkInterface.BASE;

    private static Bench monitored() {
        Bench bench = Bench.classic();
        bench.cpu().setExitControls(ExitControls.EVERY_TRAP);
        return bench;
    }

    /** Nothing of the trap sequence happened: no handler, no frame, same ring, same stack. */
    private static void assertNoHandlerEntered(Bench bench, int ring, int sp) {
        assertThat(bench.trappedVector()).as("no handler of the in-memory table ran").isEqualTo(-1);
        for (int v = 0; v < Vector.COUNT; v++) {
            assertThat(bench.cpu().vectorCount(v)).as("vector %d entered", v).isZero();
        }
        assertThat(bench.cpu().cpl()).as("ring").isEqualTo(ring);
        assertThat(bench.r(Registers.SP)).as("sp").isEqualTo(sp);
        assertThat(bench.word(Bench.KERNEL_STACK - 4)).as("nothing pushed on the kernel stack").isZero();
    }

    // --- faults ----------------------------------------------------------------------------------

    @ParameterizedTest(name = "ring {0}")
    @ValueSource(ints = {1, 3})
    void aPrivilegedInstructionOutsideRing0StopsTheRunOnItUnretired(int ring) {
        Bench bench = monitored().ring(ring);
        bench.code(rri(Opcode.ADDI, 1, 0, 5));
        int cli = bench.code(i(Opcode.CLI));
        bench.code(rri(Opcode.ADDI, 2, 0, 6));

        RunResult result = bench.run();

        assertThat(result.stopReason()).isEqualTo(StopReason.TRAP);
        assertThat(bench.cpu().lastTrap()).isEqualTo(new Trap(Trap.Kind.FAULT, Vector.GENERAL_PROTECTION, 0, 0, cli, cli));
        assertThat(bench.cpu().pc()).as("pc on the faulting instruction").isEqualTo(cli);
        assertThat(result.instructions()).as("only the addi before it retired").isEqualTo(1);
        assertThat(bench.r(1)).isEqualTo(5);
        assertThat(bench.r(2)).isZero();
        assertNoHandlerEntered(bench, ring, Bench.USER_STACK);
        assertThat(result.stopDetail()).isEqualTo(bench.cpu().lastTrap().toString())
                .isEqualTo("fault vector 13 error 0x0 address 0x00000000 at pc=0x%08x", cli);
    }

    @Test
    void aFaultInRing0WithAnEmptyInterruptTableIsStillJustATrapNotADoubleFault() {
        Bench bench = monitored();
        for (int v = 0; v < Vector.COUNT; v++) {
            bench.machine.loadWords(Bench.IDT + 4 * v, 0);
        }
        int bad = bench.code(0);

        RunResult result = bench.run();

        assertThat(result.stopReason()).isEqualTo(StopReason.TRAP);
        assertThat(bench.cpu().lastTrap().vector()).isEqualTo(Vector.INVALID_OPCODE);
        assertThat(bench.cpu().lastTrap().pc()).isEqualTo(bad);
        assertNoHandlerEntered(bench, 0, Bench.KERNEL_STACK);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "supervisor read of an absent page, 1, false, 0x00400000, 0",
            "user read of an absent page,       3, false, 0x00400000, 4",
            "user write of a supervisor page,   3, true,  0x00004000, 7"})
    void aPageFaultCarriesItsErrorCodeAndAddressAndLeavesCr2ToTheMonitor(String what, int ring, boolean write,
            int address, int errorCode) {
        Bench bench = monitored();
        PageTables tables = bench.paging();
        tables.map(Bench.CODE, Bench.CODE, Pte.PRESENT | Pte.WRITABLE | Pte.USER);
        tables.map(Bench.USER_STACK - 0x1000, Bench.USER_STACK - 0x1000, Pte.PRESENT | Pte.WRITABLE | Pte.USER);
        bench.ring(ring).reg(5, address);
        int access = bench.code(write ? rri(Opcode.SW, 1, 5, 0) : rri(Opcode.LW, 1, 5, 0));

        bench.run();

        assertThat(bench.cpu().lastTrap())
                .isEqualTo(new Trap(Trap.Kind.FAULT, Vector.PAGE_FAULT, errorCode, address, access, access));
        assertThat(bench.cpu().controlRegister(Registers.CR2)).as("cr2 untouched").isZero();
        assertNoHandlerEntered(bench, ring, Bench.USER_STACK);
    }

    // --- int n -----------------------------------------------------------------------------------

    @Test
    void intStopsBeforeRetiringWithTheNextPcEvenThroughAGateThatWouldRefuseTheCaller() {
        Bench bench = monitored().ring(3);
        bench.machine.loadWords(Bench.IDT + 4 * 0x80, Bench.HANDLERS + 8 * 0x80);   // DPL 0
        bench.code(rri(Opcode.ADDI, 1, 0, 1));
        int at = bench.code(i(Opcode.INT, 0, 0, 0, 0x80));
        bench.code(rri(Opcode.ADDI, 2, 0, 2), i(Opcode.INT, 0, 0, 0, 0x81));

        RunResult result = bench.run();

        assertThat(bench.cpu().lastTrap()).isEqualTo(new Trap(Trap.Kind.SOFTWARE_INTERRUPT, 0x80, 0, 0, at, at + 4));
        assertThat(result.instructions()).as("the int did not retire").isEqualTo(1);
        assertThat(bench.cpu().pc()).isEqualTo(at);
        assertNoHandlerEntered(bench, 3, Bench.USER_STACK);

        bench.cpu().setPc(bench.cpu().lastTrap().nextPc());   // the monitor admits it, and resumes
        RunResult resumed = bench.run();

        assertThat(resumed.stopReason()).isEqualTo(StopReason.TRAP);
        assertThat(bench.cpu().lastTrap().vector()).as("the next int").isEqualTo(0x81);
        assertThat(bench.r(2)).as("ran on after the first").isEqualTo(2);
    }

    // --- interrupts ------------------------------------------------------------------------------

    @Test
    void anExternalInterruptStopsTheRunBetweenInstructionsWithTheNextPcAndIsAcknowledged() {
        Bench bench = monitored().reg(1, 3);
        bench.cpu().setFlags(bench.cpu().flags() | Registers.FLAG_IF);
        bench.code(i(Opcode.OUT, 0, 1, 0, Timer.BASE), rri(Opcode.ADDI, 2, 2, 1), rri(Opcode.ADDI, 2, 2, 1));
        int fourth = bench.code(rri(Opcode.ADDI, 2, 2, 1));
        bench.code(rri(Opcode.ADDI, 2, 2, 1));

        RunResult result = bench.run();

        int vector = Vector.IRQ_BASE + Timer.LINE;
        assertThat(bench.cpu().lastTrap()).isEqualTo(new Trap(Trap.Kind.INTERRUPT, vector, 0, 0, fourth, fourth));
        assertThat(result.instructions()).as("the out and two addi: the period").isEqualTo(3);
        assertThat(bench.machine.pic().inService()).as("line 0 acknowledged").isEqualTo(1 << Timer.LINE);
        assertThat(bench.cpu().interruptsEnabled()).as("IF as it was").isTrue();
        assertNoHandlerEntered(bench, 0, Bench.KERNEL_STACK);
    }

    @Test
    void anInterruptEndsAWaitInHltAndReportsThePcAfterIt() {
        Bench bench = monitored().reg(1, 50);
        bench.code(i(Opcode.OUT, 0, 1, 0, Timer.BASE), i(Opcode.STI), i(Opcode.HLT));
        int after = bench.code(rri(Opcode.ADDI, 9, 0, 1));

        RunResult result = bench.run();

        assertThat(bench.cpu().lastTrap().kind()).isEqualTo(Trap.Kind.INTERRUPT);
        assertThat(bench.cpu().lastTrap().pc()).isEqualTo(after);
        assertThat(result.ticks()).as("woken at the timer's tick").isEqualTo(50);
        assertThat(result.instructions()).isEqualTo(3);
        assertThat(bench.r(9)).isZero();
    }

    @Test
    void afterStiExactlyOneMoreInstructionRunsBeforeThePendingInterruptReachesTheMonitor() {
        Bench bench = monitored().reg(1, 2);
        bench.code(i(Opcode.OUT, 0, 1, 0, Timer.BASE), i(Opcode.NOP), i(Opcode.NOP), i(Opcode.NOP), i(Opcode.STI));
        bench.code(rri(Opcode.ADDI, 7, 0, 1));
        int second = bench.code(rri(Opcode.ADDI, 8, 0, 1));

        bench.run();

        assertThat(bench.cpu().lastTrap()).isEqualTo(
                new Trap(Trap.Kind.INTERRUPT, Vector.IRQ_BASE + Timer.LINE, 0, 0, second, second));
        assertThat(bench.r(7)).as("the instruction after sti ran").isEqualTo(1);
        assertThat(bench.r(8)).as("the one after it did not").isZero();
    }

    @ParameterizedTest(name = "monitored {0}")
    @ValueSource(booleans = {false, true})
    void anInterruptRaisedByAMemoryMappedStoreIsTakenBeforeTheNextInstruction(boolean monitor) {
        Bench bench = Bench.classic().asm(NicPrograms.imsWrite("", """
                next:   addi r9, r0, 1          ; must not run before the interrupt
                """));
        bench.cpu().setExitControls(monitor ? ExitControls.EVERY_TRAP : ExitControls.NONE);
        bench.cpu().setFlags(bench.cpu().flags() | Registers.FLAG_IF);
        int next = bench.machine.symbols().address("next").orElseThrow();
        int vector = Vector.IRQ_BASE + NetworkInterface.LINE;

        bench.run();

        assertThat(bench.r(6)).as("sent before IMS was written").isEqualTo(1);
        assertThat(bench.r(9)).as("the instruction after the store").isZero();
        if (monitor) {
            assertThat(bench.cpu().lastTrap()).isEqualTo(new Trap(Trap.Kind.INTERRUPT, vector, 0, 0, next, next));
        } else {
            assertThat(bench.trappedVector()).isEqualTo(vector);
            assertThat(bench.trapFrame()[1]).as("interrupted before it").isEqualTo(next);
        }
    }

    // --- device access traps -------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "word load in ring 1,  1, LW,  1",
            "word store in ring 1, 1, SW,  3",
            "byte load in ring 3,  3, LBU, 5",
            "byte store in ring 3, 3, SB,  7"})
    void withDeviceAccessTrapsALoadOrStoreToADeviceRegisterIsAPresentPageFault(String what, int ring, Opcode op,
            int errorCode) {
        Bench bench = monitored().ring(ring).reg(1, NIC).reg(2, 1);
        bench.machine.mmio().setTrapping(true);
        int at = bench.code(i(op, 2, 1, 0, NetworkInterface.IMS));

        RunResult result = bench.run();

        assertThat(result.stopReason()).isEqualTo(StopReason.TRAP);
        assertThat(bench.cpu().lastTrap()).isEqualTo(
                new Trap(Trap.Kind.FAULT, Vector.PAGE_FAULT, errorCode, NIC + NetworkInterface.IMS, at, at));
        assertThat(bench.machine.devices().nic().read(NetworkInterface.IMS)).as("the device untouched").isZero();
        assertThat(bench.r(2)).as("no value loaded").isEqualTo(1);
    }

    @Test
    void theTrapReportsTheVirtualAddressOfADeviceRegisterMappedByThePageTables() {
        Bench bench = monitored().reg(1, 0x0040_0000).reg(2, 1);
        bench.machine.mmio().setTrapping(true);
        bench.paging().map(0x0040_0000, NIC, Pte.PRESENT | Pte.WRITABLE);
        int at = bench.code(rri(Opcode.SW, 2, 1, NetworkInterface.IMS));

        bench.run();

        assertThat(bench.cpu().lastTrap()).isEqualTo(new Trap(Trap.Kind.FAULT, Vector.PAGE_FAULT,
                Vector.PF_PRESENT | Vector.PF_WRITE, 0x0040_0000 + NetworkInterface.IMS, at, at));
        assertThat(bench.machine.devices().nic().read(NetworkInterface.IMS)).isZero();
    }

    @Test
    void theMmuItselfRefusesTheDeviceWhileRamStaysReachable() {
        Bench bench = Bench.classic();
        bench.machine.mmio().setTrapping(true);

        Fault fault = catchThrowableOfType(() -> bench.machine.mmu().writeWord(NIC + NetworkInterface.IMS, 1, 0),
                Fault.class);
        bench.machine.mmu().writeWord(Bench.DATA, 42, 0);

        assertThat(fault.vector()).isEqualTo(Vector.PAGE_FAULT);
        assertThat(fault.errorCode()).isEqualTo(Vector.PF_PRESENT | Vector.PF_WRITE);
        assertThat(fault.address()).isEqualTo(NIC + NetworkInterface.IMS);
        assertThat(bench.machine.devices().nic().read(NetworkInterface.IMS)).isZero();
        assertThat(bench.machine.mmu().readWord(Bench.DATA, 0)).isEqualTo(42);
    }

    @Test
    void aWindowPassedThroughIsReachedDirectlyWhileTheOthersStillTrap() {
        Bench bench = Bench.classic();
        bench.machine.mmio().setTrapping(true);
        bench.machine.mmio().passThrough(NIC);

        bench.machine.mmu().writeWord(NIC + NetworkInterface.IMS, 1, 0);

        assertThat(bench.machine.devices().nic().read(NetworkInterface.IMS)).as("the assigned device").isEqualTo(1);
        assertThat(bench.machine.mmio().traps(NIC + NetworkInterface.IMS)).isFalse();
        assertThat(bench.machine.mmio().traps(0xF800_0000)).as("space no device claims still traps").isTrue();
        assertThatThrownBy(() -> bench.machine.mmio().passThrough(NIC + 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no MMIO window starts at 0xf0000004");
    }

    @Test
    void withoutDeviceAccessTrapsTheStoreReachesTheDevice() {
        Bench bench = monitored().ring(1).reg(1, NIC).reg(2, 1);
        bench.code(rri(Opcode.SW, 2, 1, NetworkInterface.IMS), i(Opcode.INT, 0, 0, 0, 0x80));

        bench.run();

        assertThat(bench.cpu().lastTrap().kind()).as("stopped by the int, not the store").isEqualTo(Trap.Kind.SOFTWARE_INTERRUPT);
        assertThat(bench.machine.devices().nic().read(NetworkInterface.IMS)).isEqualTo(1);
    }

    // --- devices assigned to a guest -------------------------------------------------------------

    @Test
    void theIoPermissionBitmapLetsRing1ReachAPortWithoutATrap() {
        Bench bench = monitored().ring(1).reg(2, 7);
        bench.machine.io().permit(BlockDevice.BASE, BlockDevice.PORTS);
        bench.code(i(Opcode.OUT, 0, 2, 0, BlockDevice.BASE + 1), i(Opcode.IN, 3, 0, 0, BlockDevice.BASE + 1),
                i(Opcode.OUT, 0, 2, 0, Timer.BASE));

        RunResult result = bench.run();

        assertThat(bench.r(3)).as("the count register, written and read back directly").isEqualTo(7);
        assertThat(result.stopReason()).isEqualTo(StopReason.TRAP);
        assertThat(bench.cpu().lastTrap().vector()).as("a port not in the bitmap still traps")
                .isEqualTo(Vector.GENERAL_PROTECTION);
        assertThat(result.instructions()).isEqualTo(2);
    }

    @Test
    void revokingThePermissionsMakesEveryPortTrapAgain() {
        Bench bench = monitored().ring(1).reg(2, 7);
        bench.machine.io().permit(BlockDevice.BASE, BlockDevice.PORTS);
        bench.machine.io().revokeAll();
        bench.code(i(Opcode.OUT, 0, 2, 0, BlockDevice.BASE + 1));

        bench.run();

        assertThat(bench.cpu().lastTrap().vector()).isEqualTo(Vector.GENERAL_PROTECTION);
        assertThat(bench.machine.devices().disk().state().count()).isZero();
    }

    @Test
    void settingTrappingForgetsTheWindowsPassedThroughBefore() {
        Bench bench = Bench.classic();
        bench.machine.mmio().setTrapping(true);
        bench.machine.mmio().passThrough(NIC);

        bench.machine.mmio().setTrapping(true);

        assertThat(bench.machine.mmio().traps(NIC + NetworkInterface.IMS)).isTrue();
    }

    @Test
    void aDeviceMovedIntoAWindowAnswersThereInsteadOfTheOneThatWas() {
        Bench bench = Bench.classic();
        int[] written = new int[1];
        MmioDevice replacement = new MmioDevice() {
            public String name() {
                return "replacement";
            }

            public int read(int offset) {
                return 42;
            }

            public void write(int offset, int value) {
                written[0] = value;
            }
        };

        MmioDevice old = bench.machine.mmio().replace(NIC, replacement);
        bench.machine.mmu().writeWord(NIC + NetworkInterface.IMS, 3, 0);

        assertThat(old).isSameAs(bench.machine.devices().nic());
        assertThat(written[0]).isEqualTo(3);
        assertThat(bench.machine.mmu().readWord(NIC, 0)).isEqualTo(42);
        assertThat(bench.machine.devices().nic().read(NetworkInterface.IMS)).as("the old device untouched").isZero();
        assertThatThrownBy(() -> bench.machine.mmio().replace(NIC + 4, replacement))
                .hasMessage("no MMIO window starts at 0xf0000004");
        assertThatThrownBy(() -> bench.machine.io().replace(0x1F1, null))
                .hasMessage("no device is attached at port 0x1f1");
    }

    @Test
    void aDeviceAccessMayPauseTheRunSoonerThanItWouldHaveEnded() {
        Bench bench = Bench.classic();
        bench.machine.mmio().replace(NIC, new MmioDevice() {
            public String name() {
                return "pauses the run";
            }

            public int read(int offset) {
                return 0;
            }

            public void write(int offset, int value) {
                bench.cpu().pauseBy(bench.cpu().instructions() + 3);   // this store and two more
            }
        });
        bench.reg(1, NIC);
        for (int k = 0; k < 10; k++) {
            bench.code(k == 2 ? rri(Opcode.SW, 0, 1, 0) : rri(Opcode.ADDI, 5, 5, 1));
        }

        StopReason stopped = bench.cpu().run(1000);

        assertThat(stopped).isEqualTo(StopReason.FUEL_EXHAUSTED);
        assertThat(bench.cpu().instructions()).as("two addi, the store, two more").isEqualTo(5);
        assertThat(bench.r(5)).isEqualTo(4);
    }
}
