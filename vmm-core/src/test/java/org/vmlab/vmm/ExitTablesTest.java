package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vmlab.machine.Fault;
import org.vmlab.machine.isa.Vector;

/**
 * The VM's two routing tables: exits by kind to one handler each, hypercalls by number, with
 * Xen's calling convention (number and result in r1, arguments in r2..r6, errors negated).
 */
class ExitTablesTest {
    private static final int PC = 0x1000;

    private final VirtualMachine vm = SideBySide.of("    nop\n").vm;

    @Test
    void theCoreHandlesItsOwnKindsFromTheStart() {
        assertThat(vm.exitHandlers().handles(Exit.Timer.class)).isTrue();
        assertThat(vm.exitHandlers().handles(Exit.ExternalInterrupt.class)).isTrue();
        assertThat(vm.exitHandlers().handles(Exit.PageFault.class)).isTrue();
        assertThat(vm.exitHandlers().handles(Exit.InterruptWindow.class)).isTrue();
        assertThat(vm.exitHandlers().handles(Exit.Hypercall.class)).isTrue();
        assertThat(vm.exitHandlers().handles(Exit.Halt.class)).as("the CPU technique's, and it has none").isFalse();
    }

    @Test
    void aKindHasOneHandlerAndASecondIsRefusedNamingBoth() {
        assertThatThrownBy(() -> vm.exitHandlers().register(Exit.Timer.class, "a technique", (v, e) -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a technique registers a handler for Timer exits, but the VMM core already handles them");
    }

    @Test
    void anExitWithoutAHandlerIsNotHandled() {
        assertThat(vm.exitHandlers().handle(vm, new Exit.InterruptWindow(PC))).isTrue();
        assertThat(vm.exitHandlers().handle(vm, new Exit.Halt(PC, org.vmlab.machine.isa.Instruction.decode(0))))
                .isFalse();
    }

    @Test
    void aHypercallReadsItsArgumentsFromR2OnAndReturnsInR1AfterTheInstruction() {
        vm.hypercalls().register(3, "sum", "test", (v, args) -> args.a1() + args.a2() + args.a3() + args.a4() + args.a5());
        for (int r = 2; r <= 6; r++) {
            vm.vcpu().setRegister(r, r * 10);
        }
        vm.vcpu().setPc(PC);
        long before = vm.vcpu().instructions();

        vm.exitHandlers().handle(vm, new Exit.Hypercall(PC, 3));

        assertThat(vm.vcpu().register(HypercallTable.NUMBER_REGISTER)).isEqualTo(20 + 30 + 40 + 50 + 60);
        assertThat(vm.vcpu().pc()).isEqualTo(PC + 4);
        assertThat(vm.vcpu().instructions()).as("it retires as one instruction").isEqualTo(before + 1);
    }

    @Test
    void anUnknownHypercallReturnsMinusEnosys() {
        vm.vcpu().setPc(PC);

        vm.exitHandlers().handle(vm, new Exit.Hypercall(PC, 77));

        assertThat(vm.vcpu().register(1)).isEqualTo(-Errno.ENOSYS);
        assertThat(vm.vcpu().pc()).isEqualTo(PC + 4);
    }

    @Test
    void aHypercallThatMovesThePcItselfIsLeftWhereItWent() {
        vm.hypercalls().register(4, "jump", "test", (v, args) -> {
            v.vcpu().setPc(args.a1());
            return 0;
        });
        vm.vcpu().setRegister(2, 0x2000);
        vm.vcpu().setPc(PC);

        vm.exitHandlers().handle(vm, new Exit.Hypercall(PC, 4));

        assertThat(vm.vcpu().pc()).isEqualTo(0x2000);
    }

    @Test
    void aCallThatDoesNotReturnWritesNoResultAndLeavesThePcWhereItPutIt() {
        vm.hypercalls().registerNoReturn(6, "iret", "test", (v, args) -> {
            v.vcpu().setRegister(1, 1234);
            v.vcpu().setPc(0x3000);
            return 0;
        });
        vm.vcpu().setPc(PC);
        long before = vm.vcpu().instructions();

        vm.exitHandlers().handle(vm, new Exit.Hypercall(PC, 6));

        assertThat(vm.vcpu().register(1)).isEqualTo(1234);
        assertThat(vm.vcpu().pc()).isEqualTo(0x3000);
        assertThat(vm.vcpu().instructions()).isEqualTo(before + 1);
        assertThat(vm.hypercalls().lookup(6).returns()).isFalse();
    }

    @Test
    void aHypercallThatFaultsRetiresNothingAndWritesNothing() {
        vm.hypercalls().register(5, "faulty", "test", (v, args) -> {
            throw new Fault(Vector.PAGE_FAULT, 0, args.a1());
        });
        vm.vcpu().setRegister(1, 5);
        vm.vcpu().setPc(PC);
        long before = vm.vcpu().instructions();

        assertThatThrownBy(() -> vm.exitHandlers().handle(vm, new Exit.Hypercall(PC, 5))).isInstanceOf(Fault.class);

        assertThat(vm.vcpu().register(1)).isEqualTo(5);
        assertThat(vm.vcpu().pc()).isEqualTo(PC);
        assertThat(vm.vcpu().instructions()).isEqualTo(before);
    }

    @Test
    void hypercallNumbersAreUniqueAndNotNegative() {
        vm.hypercalls().register(1, "console_io", "pv", (v, args) -> 0);

        assertThatThrownBy(() -> vm.hypercalls().register(1, "other", "io", (v, args) -> 0))
                .hasMessage("io registers hypercall 1 (other), but it is console_io of pv");
        assertThatThrownBy(() -> vm.hypercalls().register(-1, "bad", "io", (v, args) -> 0))
                .hasMessage("hypercall numbers are not negative: bad is -1");
        assertThat(vm.hypercalls().lookup(1).name()).isEqualTo("console_io");
    }

    @Test
    void anArgumentBeyondTheFifthIsAnError() {
        HypercallTable.Arguments args = new HypercallTable.Arguments(1, 2, 3, 4, 5);

        assertThat(args.get(5)).isEqualTo(5);
        assertThatThrownBy(() -> args.get(6)).hasMessage("a hypercall has arguments 1 to 5, not 6");
    }

    @Test
    void everyKindDescribesItselfOnOneLine() {
        assertThat(Exit.describe(new Exit.PageFault(0x1208, 0x0040_2000, 0x2)))
                .isEqualTo("page_fault at pc=0x00001208 error 0x2 address 0x00402000");
        assertThat(Exit.describe(new Exit.ExternalInterrupt(PC, 33))).isEqualTo("external_interrupt at pc=0x00001000 vector 33");
        assertThat(Exit.describe(new Exit.Hypercall(PC, 3))).isEqualTo("hypercall at pc=0x00001000 number 3");
        assertThat(Exit.describe(new Exit.Timer(PC))).isEqualTo("timer at pc=0x00001000");
    }
}
