package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.machine.isa.Registers.CPL_SHIFT;
import static org.vmlab.machine.isa.Registers.FLAG_C;
import static org.vmlab.machine.isa.Registers.FLAG_IF;
import static org.vmlab.machine.isa.Registers.FLAG_N;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Pte;

/**
 * Reflection and injection: the VMM delivers a trap into the guest as the guest's own hardware
 * would. Each test runs one program on a bare machine and in a VM ({@link SideBySide}) and asks
 * that the guest cannot tell them apart: the same frame on the same stack, the same handler, the
 * same double and triple faults.
 */
class VirtualTrapsTest {
    private static final int SYSCALL = 0x80;

    /** User code that sets some condition bits, then makes a system call; the handler powers off. */
    private static final String SYSCALL_PROGRAM = """
                    .org 0x1000
            start:  addi r1, r0, 7
                    cmpi r1, 9              ; N and C set
            call:   int  0x80
                    addi r2, r0, 1          ; not reached: the handler halts
            handler: addi r13, r0, 0x80
                    hlt
            gp:     addi r13, r0, 13
                    hlt
            df:     addi r13, r0, 8
                    hlt
            pf:     addi r13, r0, 14
                    hlt
            """;

    private static void assertEquivalent(RunResult bare, RunResult virtual) {
        assertThat(Equivalence.compare(bare, virtual).differences()).as("differences from bare metal").isEmpty();
    }

    @Test
    void aSystemCallFromUserModeBuildsTheBareCpusFrameOnTheKernelStackFromVirtualCr4() {
        SideBySide sides = SideBySide.of(SYSCALL_PROGRAM).gate(SYSCALL, "handler", 3).ring(3).interruptsOn();

        RunResult bare = sides.runBare();
        RunResult virtual = sides.runVirtual();

        int at = sides.address("call");
        assertThat(sides.virtualFrame()).as("error code, return pc, FLAGS, old sp")
                .containsExactly(0, at + 4, 3 << CPL_SHIFT | FLAG_IF | FLAG_N | FLAG_C, SideBySide.USER_STACK)
                .containsExactly(sides.bareFrame());
        assertThat(sides.vm.vcpu().register(Registers.SP)).isEqualTo(SideBySide.KERNEL_STACK - 16);
        assertThat(sides.vm.vcpu().register(13)).as("the handler ran").isEqualTo(SYSCALL);
        assertThat(sides.vm.vcpu().virtualRing()).as("in the guest kernel").isZero();
        assertThat(sides.vm.vcpu().virtualInterruptsEnabled()).isFalse();
        assertThat(virtual.stopReason()).isEqualTo(StopReason.HALT);
        assertEquivalent(bare, virtual);
    }

    @Test
    void aTrapInTheGuestKernelStaysOnItsCurrentStack() {
        SideBySide sides = SideBySide.of(SYSCALL_PROGRAM).gate(SYSCALL, "handler", 0).register(Registers.SP, 0x6000);

        RunResult bare = sides.runBare();
        RunResult virtual = sides.runVirtual();

        assertThat(sides.vm.vcpu().register(Registers.SP)).isEqualTo(0x6000 - 16);
        assertThat(sides.virtualFrame()[3]).as("old sp").isEqualTo(0x6000);
        assertThat(sides.virtualFrame()).containsExactly(sides.bareFrame());
        assertEquivalent(bare, virtual);
    }

    @Test
    void intThroughAGateBelowTheCallersRingIsAGeneralProtectionFaultAtTheIntWhichDoesNotRetire() {
        SideBySide sides = SideBySide.of(SYSCALL_PROGRAM).gate(SYSCALL, "handler", 0)
                .gate(Vector.GENERAL_PROTECTION, "gp", 0).ring(3);

        RunResult bare = sides.runBare();
        RunResult virtual = sides.runVirtual();

        assertThat(sides.vm.vcpu().register(13)).as("the #GP handler ran").isEqualTo(13);
        assertThat(sides.virtualFrame()[0]).as("error code: the gate, flagged interrupt table")
                .isEqualTo(VirtualTraps.gateErrorCode(SYSCALL)).isEqualTo(SYSCALL << 3 | 2);
        assertThat(sides.virtualFrame()[1]).as("return pc: the int itself").isEqualTo(sides.address("call"));
        assertThat(sides.virtualFrame()).containsExactly(sides.bareFrame());
        assertThat(virtual.instructions()).as("int did not retire").isEqualTo(bare.instructions()).isEqualTo(2 + 2);
        assertEquivalent(bare, virtual);
    }

    @Test
    void aFaultWhoseGateIsMissingBecomesADoubleFaultWithTheFaultingPc() {
        SideBySide sides = SideBySide.of("""
                        .org 0x1000
                start:  addi r1, r0, 1
                bad:    .word 0                 ; not an instruction: #UD, whose gate is empty
                df:     addi r13, r0, 8
                        hlt
                """).gate(Vector.DOUBLE_FAULT, "df", 0);

        RunResult bare = sides.runBare();
        RunResult virtual = sides.runVirtual();

        assertThat(sides.vm.vcpu().register(13)).as("the double-fault handler ran").isEqualTo(8);
        assertThat(sides.virtualFrame()[0]).as("error code").isZero();
        assertThat(sides.virtualFrame()[1]).as("return pc").isEqualTo(sides.address("bad"));
        assertThat(sides.virtualFrame()).containsExactly(sides.bareFrame());
        assertEquivalent(bare, virtual);
    }

    @Test
    void whenTheDoubleFaultCannotBeDeliveredEitherTheVmStopsWithATripleFaultAndTheVmmGoesOn() {
        SideBySide sides = SideBySide.of("""
                        .org 0x1000
                start:  .word 0
                """);

        RunResult bare = sides.runBare();
        RunResult virtual = sides.runVirtual();

        assertThat(virtual.stopReason()).isEqualTo(StopReason.TRIPLE_FAULT).isEqualTo(bare.stopReason());
        assertThat(virtual.stopDetail()).contains("pc=0x00001000");
        assertThat(sides.vm.stopped()).isTrue();
        assertEquivalent(bare, virtual);
    }

    // --- with the guest's paging on --------------------------------------------------------------

    private static final int DIRECTORY = 0x20000;
    private static final int TABLE = 0x21000;

    /**
     * The guest's page tables, written into both worlds: the first 192 KiB identity-mapped for the
     * supervisor, the code and the user stack pages also for the user; the kernel stack page
     * (0x8000) only if {@code kernelStackMapped}.
     */
    private static SideBySide withPaging(SideBySide sides, boolean kernelStackMapped) {
        sides.word(DIRECTORY, Pte.entry(TABLE, Pte.PRESENT | Pte.WRITABLE | Pte.USER));
        for (int page = 0; page < 0x30000; page += 0x1000) {
            boolean user = page == 0x1000 || page == SideBySide.USER_STACK - 0x1000;
            boolean present = kernelStackMapped || page != SideBySide.KERNEL_STACK - 0x1000;
            int flags = present ? Pte.PRESENT | Pte.WRITABLE | (user ? Pte.USER : 0) : 0;
            sides.word(TABLE + 4 * (page >>> 12), Pte.entry(page, flags));
        }
        return sides.controlRegister(Registers.CR3, DIRECTORY).controlRegister(Registers.CR0, Registers.CR0_PG);
    }

    @Test
    void aUserPageFaultIsReflectedWithItsErrorCodeAndCr2AsTheBareCpuDeliversIt() {
        SideBySide sides = withPaging(SideBySide.of("""
                        .org 0x1000
                start:  li   r5, 0x8100
                load:   lw   r1, 0(r5)          ; a supervisor page, from ring 3
                pf:     addi r13, r0, 14
                        hlt
                """), true).gate(Vector.PAGE_FAULT, "pf", 0).ring(3);

        RunResult bare = sides.runBare();
        RunResult virtual = sides.runVirtual();

        assertThat(sides.vm.vcpu().controlRegister(Registers.CR2)).isEqualTo(0x8100);
        assertThat(sides.virtualFrame()[0]).as("present, read, user")
                .isEqualTo(Vector.PF_PRESENT | Vector.PF_USER);
        assertThat(sides.virtualFrame()[1]).isEqualTo(sides.address("load"));
        assertThat(sides.vm.counters().events(CoreEvent.REFLECTION)).isEqualTo(1);
        assertEquivalent(bare, virtual);   // accessed and dirty bits in the tables included
    }

    @Test
    void aKernelStackThatIsNotMappedMakesTheDeliveryFaultTwiceAndStopsTheVmAsTheMachine() {
        SideBySide sides = withPaging(SideBySide.of(SYSCALL_PROGRAM), false)
                .gate(SYSCALL, "handler", 3).gate(Vector.PAGE_FAULT, "pf", 0)
                .gate(Vector.DOUBLE_FAULT, "df", 0).ring(3);

        RunResult bare = sides.runBare();
        RunResult virtual = sides.runVirtual();

        assertThat(virtual.stopReason()).isEqualTo(StopReason.TRIPLE_FAULT).isEqualTo(bare.stopReason());
        assertThat(sides.vm.vcpu().controlRegister(Registers.CR2)).as("the push that faulted")
                .isEqualTo(SideBySide.KERNEL_STACK - 4);
        assertEquivalent(bare, virtual);
    }

    @Test
    void aHandlerThatFaultsAtOnceRunsItsStackDownToTheEndOfRamAndStopsTheVmAsTheMachine() {
        // #UD's handler is itself not an instruction: every delivery faults again before anything
        // retires, pushing a frame 16 bytes lower each time, until the stack leaves RAM
        SideBySide sides = SideBySide.of("""
                        .org 0x1000
                start:  addi sp, r0, 0x2000
                bad:    .word 0
                """).gate(Vector.INVALID_OPCODE, "bad", 0);

        RunResult bare = sides.runBare();
        RunResult virtual = sides.runVirtual();

        assertThat(virtual.stopReason()).isEqualTo(StopReason.TRIPLE_FAULT).isEqualTo(bare.stopReason());
        assertThat(virtual.instructions()).isEqualTo(1);
        assertThat(sides.vm.vcpu().register(Registers.SP)).as("its frames reached the bottom of RAM")
                .isBetween(0, 0x40);
        assertEquivalent(bare, virtual);
    }

    @Test
    void trapsInARowBurnTheFuelLeftInTheVmAsOnTheMachine() {
        // #UD's handler is not an instruction, and the stack has room for far more frames than fuel
        SideBySide sides = new SideBySide("""
                        .org 0x1000
                start:  addi r1, r0, 1
                        addi r2, r0, 2
                bad:    .word 0
                """, DirectCpu.faithful(), 60).gate(Vector.INVALID_OPCODE, "bad", 0);

        RunResult bare = sides.runBare();
        RunResult virtual = sides.runVirtual();

        assertThat(virtual.stopReason()).isEqualTo(StopReason.FUEL_EXHAUSTED).isEqualTo(bare.stopReason());
        assertThat(virtual.stopDetail()).startsWith("58 traps delivered in a row").isEqualTo(bare.stopDetail());
        assertThat(virtual.instructions()).isEqualTo(2);
        assertThat(sides.vm.vcpu().register(Registers.SP)).isEqualTo(SideBySide.KERNEL_STACK - 58 * 16)
                .isEqualTo(sides.bare.cpu().register(Registers.SP));
        assertEquivalent(bare, virtual);
    }

    @Test
    void lockstepFollowsTrapsInARowAsOneRunDoes() {
        String program = """
                        .org 0x1000
                start:  addi r1, r0, 1
                bad:    .word 0
                """;
        SideBySide sides = new SideBySide(program, DirectCpu.faithful(), 40).gate(Vector.INVALID_OPCODE, "bad", 0);

        Lockstep.Outcome outcome = Lockstep.run(sides.bare, sides.vm);

        assertThat(outcome.agrees()).isTrue();
        assertThat(outcome.nativeRun().stopReason()).isEqualTo(StopReason.FUEL_EXHAUSTED);
        assertThat(outcome.virtualRun().stopReason()).isEqualTo(StopReason.FUEL_EXHAUSTED);
        assertThat(sides.bare.cpu().vectorCount(Vector.INVALID_OPCODE)).isEqualTo(39);

        for (long slice : new long[] {1, 3, 1000}) {
            Lockstep.Outcome sliced = Lockstep.runInSlices(() -> {
                SideBySide s = new SideBySide(program, DirectCpu.faithful(), 40)
                        .gate(Vector.INVALID_OPCODE, "bad", 0);
                return new Lockstep.Sides(s.bare, s.vm);
            }, slice);
            assertThat(sliced.agrees()).as("in slices of %d", slice).isTrue();
            assertThat(sliced.nativeRun().stopReason()).isEqualTo(StopReason.FUEL_EXHAUSTED);
            assertThat(sliced.virtualRun().instructions()).isEqualTo(1);
        }
    }

    // --- the deliveries themselves, on a VM that is not running -----------------------------------

    @Test
    void deliveringEndsAWaitInHltAndOnlyAPageFaultWritesCr2() {
        SideBySide sides = SideBySide.of(SYSCALL_PROGRAM).gate(Vector.GENERAL_PROTECTION, "gp", 0)
                .gate(Vector.PAGE_FAULT, "pf", 0);
        Vcpu vcpu = sides.vm.vcpu();
        vcpu.startWaiting();

        sides.vm.traps().reflect(new org.vmlab.machine.Fault(Vector.GENERAL_PROTECTION, 0, 0x1234), 0x1000);

        assertThat(vcpu.waiting()).isFalse();
        assertThat(vcpu.pc()).isEqualTo(sides.address("gp"));
        assertThat(vcpu.controlRegister(Registers.CR2)).isZero();

        sides.vm.traps().reflect(new org.vmlab.machine.Fault(Vector.PAGE_FAULT, Vector.PF_WRITE, 0x5678), 0x1000);

        assertThat(vcpu.pc()).isEqualTo(sides.address("pf"));
        assertThat(vcpu.controlRegister(Registers.CR2)).isEqualTo(0x5678);
        assertThat(vcpu.register(Registers.SP)).as("two frames").isEqualTo(SideBySide.KERNEL_STACK - 32);
    }

    @Test
    void softwareInterruptThroughAnAdmittingGateRetiresTheIntAndReturnsAfterIt() {
        SideBySide sides = SideBySide.of(SYSCALL_PROGRAM).gate(SYSCALL, "handler", 3).ring(3);
        Vcpu vcpu = sides.vm.vcpu();

        sides.vm.traps().softwareInterrupt(SYSCALL, 0x1008);

        assertThat(vcpu.instructions()).isEqualTo(1);
        assertThat(vcpu.pc()).isEqualTo(sides.address("handler"));
        assertThat(sides.virtualFrame()[1]).isEqualTo(0x100C);
        assertThat(vcpu.virtualRing()).isZero();
        assertThat(vcpu.realRing()).as("the guest kernel runs in ring 1").isEqualTo(1);
    }
}
