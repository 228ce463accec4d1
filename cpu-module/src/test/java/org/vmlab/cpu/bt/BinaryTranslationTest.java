package org.vmlab.cpu.bt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmlab.cpu.InstructionEmulator;
import org.vmlab.cpu.TinyVm;
import org.vmlab.machine.RunResult;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Vector;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.VirtualMachine;

/**
 * Binary translation end to end, on tiny guests on the legacy ISA, with test doubles for Lab 2's
 * parts: rules that call out for every sensitive instruction (unless a test says otherwise), and
 * an emulator that knows only the few instructions the tiny guests use.
 */
class BinaryTranslationTest {
    private final TestRules rules = new TestRules();
    private final TinyEmulator emulator = new TinyEmulator();
    private final BinaryTranslation bt = new BinaryTranslation(rules, emulator);

    /** A loop of five passes, then power off: four units (start, loop, cli, hlt). */
    private static final String LOOP = """
                addi r1, r0, 0
            loop:
                addi r1, r1, 1
                cmpi r1, 5
                bne loop
                cli
                hlt
            """;

    private VirtualMachine kernel(String body) {
        return TinyVm.withKernel(IsaVariant.LEGACY, bt, body);
    }

    private static long counter(RunResult result, String name) {
        return result.counters().getOrDefault(name, 0L);
    }

    @Test
    void aKernelRunsToItsEndTranslatedAUnitAtATime() {
        VirtualMachine vm = kernel(LOOP);

        RunResult result = vm.run();

        assertThat(result.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(vm.vcpu().register(1)).isEqualTo(5);
        assertThat(result.instructions()).as("1 + 5 * 3 + cli + hlt").isEqualTo(18);
        assertThat(counter(result, "bt.units_translated")).isEqualTo(4);
        assertThat(bt.cache().size()).isEqualTo(4);
        assertThat(emulator.emulated).containsExactly(Opcode.CLI, Opcode.HLT);
        assertThat(counter(result, "bt.callouts")).isEqualTo(2);
        assertThat(vm.counters().events(TranslationEvent.TRANSLATED_INSTRUCTION)).as("4 + 3 + 1 + 1").isEqualTo(9);
    }

    @Test
    void controlFollowsChainsAlongDirectBranchesAndFindsTheRestInTheCache() {
        VirtualMachine vm = kernel(LOOP);

        RunResult result = vm.run();

        // Pass 1 is in the start unit; pass 2 translates the loop's unit; pass 3 finds it in the
        // cache and chains it to itself; passes 4 and 5 follow the chain.
        assertThat(counter(result, "bt.cache_hits")).isEqualTo(1);
        assertThat(counter(result, "bt.chained")).isEqualTo(2);
        int loop = TinyVm.symbol(vm, "loop");
        assertThat(bt.cache().lookup(loop).link(loop)).as("the loop chained to itself").isSameAs(bt.cache().lookup(loop));
        assertThat(bt.cache().lookup(TinyVm.KERNEL_BASE).link(loop)).isNotNull();
    }

    @Test
    void enteringTranslatedCodeWithoutAChainCostsALookup() {
        VirtualMachine vm = kernel(LOOP);

        vm.run();

        // Entering at start, and re-entering after the cli's callout (the hlt's ends the run).
        assertThat(vm.counters().events(TranslationEvent.INDIRECT_LOOKUP)).isEqualTo(2);
    }

    @Test
    void anIndirectBranchIsNeverChainedButLookedUp() {
        VirtualMachine vm = kernel("""
                    li r2, back
                    jr r2
                back:
                    cli
                    hlt
                """);

        RunResult result = vm.run();

        TranslationUnit start = bt.cache().lookup(TinyVm.KERNEL_BASE);
        assertThat(start.endsIndirect()).isTrue();
        assertThat(start.links()).isZero();
        assertThat(counter(result, "bt.chained")).isZero();
        assertThat(vm.counters().events(TranslationEvent.INDIRECT_LOOKUP)).as("start, after jr, after the cli callout").isEqualTo(3);
    }

    @Test
    void identInstructionsRunInPlaceOnTheRealCpu() {
        VirtualMachine vm = kernel(LOOP);

        RunResult result = vm.run();

        assertThat(result.counters().get("instructions.direct")).as("all but the two callouts").isEqualTo(16);
    }

    @Test
    void aSensitiveInstructionThatDoesNotTrapOnTheLegacyIsaIsFoundByReadingTheCode() {
        rules.with(Opcode.PUSHF, Translation.IN_CACHE);
        VirtualMachine vm = kernel("""
                    li sp, 0x8000
                    pushf
                    pop r3
                    cli
                    hlt
                """);

        RunResult result = vm.run();

        assertThat(emulator.emulated).containsExactly(Opcode.PUSHF, Opcode.CLI, Opcode.HLT);
        assertThat(vm.counters().events(TranslationEvent.IN_CACHE_EMULATION)).isEqualTo(1);
        assertThat(counter(result, "bt.callouts")).as("pushf stayed in the cache").isEqualTo(2);
        assertThat(vm.vcpu().register(3) & org.vmlab.machine.isa.Registers.CPL_MASK).as("the virtual ring: 0").isZero();
    }

    @Test
    void anInCacheStiOpensAnInterruptWindowRightAfterIt() {
        rules.with(Opcode.STI, Translation.IN_CACHE);
        VirtualMachine vm = kernel("""
                    nop
                    sti
                    nop
                """);

        Exit exit = bt.run(vm, 100);

        assertThat(exit).isEqualTo(new Exit.InterruptWindow(TinyVm.KERNEL_BASE + 8));
        assertThat(vm.vcpu().virtualInterruptsEnabled()).isTrue();
        assertThat(vm.vcpu().instructions()).isEqualTo(2);
        assertThat(vm.vcpu().directInstructions()).isEqualTo(1);
    }

    @Test
    void aCalloutIsAnExitAtTheInstructionWhichHandleThenEmulates() {
        VirtualMachine vm = kernel("""
                    nop
                    cli
                    nop
                """);

        Exit exit = bt.run(vm, 100);

        assertThat(exit).isInstanceOf(Callout.class);
        assertThat(exit.pc()).isEqualTo(TinyVm.KERNEL_BASE + 4);
        assertThat(((Callout) exit).instruction().opcode()).isEqualTo(Opcode.CLI);
        assertThat(emulator.emulated).as("not before it is handled").isEmpty();

        vm.exitHandlers().handle(vm, exit);

        assertThat(emulator.emulated).containsExactly(Opcode.CLI);
        assertThat(vm.counters().events(TranslationEvent.CALLOUT)).isEqualTo(1);
        assertThat(vm.vcpu().pc()).isEqualTo(TinyVm.KERNEL_BASE + 8);
    }

    @Test
    void theBudgetStopsTranslatedCodeExactly() {
        VirtualMachine vm = kernel(LOOP);

        Exit exit = bt.run(vm, 5);

        // The start unit's four, then the first of the loop unit's: stopped before the cmpi.
        assertThat(exit).isEqualTo(new Exit.Timer(TinyVm.symbol(vm, "loop") + 4));
        assertThat(vm.vcpu().instructions()).isEqualTo(5);
        assertThat(vm.vcpu().register(1)).isEqualTo(2);
    }

    @Test
    void anInstructionThatMustCallOutIsRefusedInTheCacheWithTheReason() {
        rules.with(Opcode.HLT, Translation.IN_CACHE);
        VirtualMachine vm = kernel("    hlt\n");

        assertThatThrownBy(() -> bt.run(vm, 100))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HLT cannot be emulated inside the translation cache")
                .hasMessageContaining("it waits for an interrupt");
    }

    // --- instances the translator specializes -------------------------------------------------

    @Test
    void aWriteToCr4OrCr2IsEmulatedInTheCacheThoughTheRulesSayCallout() {
        VirtualMachine vm = kernel("""
                    li r1, 0x7000
                    mtcr cr4, r1
                    mtcr cr2, r1
                    cli
                    hlt
                """);

        RunResult result = vm.run();

        assertThat(rules.translate(new Instruction(Opcode.MTCR, 0, 1, 0, 4))).isEqualTo(Translation.CALLOUT);
        assertThat(vm.vcpu().controlRegister(org.vmlab.machine.isa.Registers.CR4)).isEqualTo(0x7000);
        assertThat(vm.vcpu().controlRegister(org.vmlab.machine.isa.Registers.CR2)).isEqualTo(0x7000);
        assertThat(vm.counters().events(TranslationEvent.IN_CACHE_EMULATION)).isEqualTo(2);
        assertThat(counter(result, "bt.callouts")).as("cli and hlt only").isEqualTo(2);
        assertThat(counter(result, "bt.specialized_in_cache")).isEqualTo(2);
    }

    @Test
    void aWriteToCr3StillCallsOut() {
        VirtualMachine vm = kernel("""
                    mtcr cr3, r0
                    cli
                    hlt
                """);

        RunResult result = vm.run();

        assertThat(emulator.emulated).containsExactly(Opcode.MTCR, Opcode.CLI, Opcode.HLT);
        assertThat(counter(result, "bt.callouts")).as("it changes the address space").isEqualTo(3);
        assertThat(vm.counters().events(TranslationEvent.IN_CACHE_EMULATION)).isZero();
    }

    @Test
    void aPortAccessToADeviceTheVmmEmulatesIsEmulatedInTheCacheAndLeavesItForTheVmmsLoop() {
        VirtualMachine vm = kernel("""
                    nop
                    in r1, 0x21
                    nop
                """);

        Exit exit = bt.run(vm, 100);

        assertThat(exit).as("a device may have raised a line or set an event: the VMM looks")
                .isEqualTo(new Exit.InterruptWindow(TinyVm.KERNEL_BASE + 8));
        assertThat(emulator.emulated).containsExactly(Opcode.IN);
        assertThat(vm.counters().events(TranslationEvent.IN_CACHE_EMULATION)).isEqualTo(1);
        assertThat(vm.counters().events(org.vmlab.vmm.CoreEvent.DEVICE_EMULATION))
                .as("the device model's work is paid in the cache too").isEqualTo(1);
        assertThat(vm.counters().events(TranslationEvent.CALLOUT)).isZero();
    }

    @Test
    void aPortAccessToADeviceModelOutsideTheVmmCallsOut() {
        org.vmlab.vmm.DeviceVirtualization elsewhere = new org.vmlab.vmm.DeviceVirtualization() {
            @Override
            public String name() {
                return "elsewhere";
            }

            @Override
            public boolean modelsRunInTheVmm() {
                return false;
            }
        };
        VirtualMachine vm = TinyVm.withKernel(IsaVariant.LEGACY, bt, elsewhere, """
                    in r1, 0x21
                    cli
                    hlt
                """);

        RunResult result = vm.run();

        assertThat(counter(result, "bt.callouts")).isEqualTo(3);
        assertThat(vm.counters().events(TranslationEvent.IN_CACHE_EMULATION)).isZero();
        assertThat(vm.counters().events(org.vmlab.vmm.CoreEvent.DEVICE_EMULATION)).isEqualTo(1);
    }

    // --- writes to translated code --------------------------------------------------------------

    @Test
    void aWriteIntoATranslatedUnitReachesTheRulesWhichDropIt() {
        VirtualMachine vm = kernel("""
                    jmp patch_site
                patch_site:
                    nop
                    jmp after
                after:
                    li r1, patch_site
                    sw r0, 0(r1)
                    cli
                    hlt
                """);
        int patchSite = TinyVm.symbol(vm, "patch_site");

        RunResult result = vm.run();

        assertThat(rules.codeWrites).containsExactly(patchSite);   // machine address = guest-physical here
        assertThat(bt.cache().lookup(patchSite)).as("dropped").isNull();
        assertThat(bt.cache().lookup(TinyVm.KERNEL_BASE).link(patchSite)).as("and unchained").isNull();
        assertThat(counter(result, "bt.units_invalidated")).isEqualTo(1);
        assertThat(vm.counters().events(TranslationEvent.TRANSLATION_INVALIDATION)).isEqualTo(1);
    }

    @Test
    void onceDetachedFromItsVmTheTranslatorNoLongerHearsOfCodeWrites() {
        VirtualMachine vm = kernel("""
                patch_site:
                    nop
                    cli
                    hlt
                """);
        vm.run();
        int patchSite = TinyVm.symbol(vm, "patch_site");
        vm.host().memory().writeWord(patchSite, 0);
        assertThat(rules.codeWrites).containsExactly(patchSite);

        bt.detach(vm);
        vm.host().memory().writeWord(patchSite + 4, 0);

        assertThat(rules.codeWrites).as("no listener is left behind on the machine").containsExactly(patchSite);
    }

    @Test
    void aWriteToDataBesideCodeReachesTheRulesButCostsNoInvalidation() {
        VirtualMachine vm = kernel("""
                    li r1, data
                    sw r1, 0(r1)
                    cli
                    hlt
                data:
                    .word 0
                """);

        RunResult result = vm.run();

        assertThat(rules.codeWrites).containsExactly(TinyVm.symbol(vm, "data"));
        assertThat(counter(result, "bt.units_invalidated")).isZero();
        assertThat(vm.counters().events(TranslationEvent.TRANSLATION_INVALIDATION)).isZero();
    }

    @Test
    void aWriteToAFrameWithoutTranslationsDoesNotReachTheRules() {
        VirtualMachine vm = kernel("""
                    li r1, 0x8000
                    sw r1, 0(r1)
                    cli
                    hlt
                """);

        vm.run();

        assertThat(rules.codeWrites).isEmpty();
    }

    @Test
    void codeThatRewritesItselfRunsTheNewInstructions() {
        rules.with(Opcode.PUSHF, Translation.IN_CACHE);
        VirtualMachine vm = kernel("""
                    li sp, 0x8000
                    addi r5, r0, 0
                loop:
                    addi r5, r5, 1
                patch_site:
                    nop
                    nop
                    cmpi r5, 2
                    beq done
                    li r1, patch_site
                    li r2, new_code
                    lw r3, 0(r2)
                    sw r3, 0(r1)
                    jmp loop
                done:
                    cli
                    hlt
                new_code:
                    pushf
                """);

        vm.run();

        assertThat(emulator.emulated).as("the patched-in pushf was translated, not run as a copy")
                .containsExactly(Opcode.PUSHF, Opcode.CLI, Opcode.HLT);
    }

    // --- user code -------------------------------------------------------------------------------

    @Test
    void userCodeRunsDirectlyWithoutTranslation() {
        VirtualMachine vm = kernel("""
                    li sp, 0x8000
                    pushf
                    addi r2, r0, 2
                    int 0x80
                """);
        TinyVm.enterRing(vm, 3);

        Exit exit = bt.run(vm, 100);

        assertThat(exit).isInstanceOf(Exit.SoftwareInterrupt.class);
        assertThat(((Exit.SoftwareInterrupt) exit).vector()).isEqualTo(0x80);
        assertThat(vm.vcpu().directInstructions()).isEqualTo(4);
        assertThat(bt.cache().size()).as("nothing translated").isZero();
        assertThat(vm.counters().named("bt.units_translated")).isZero();
        assertThat(emulator.emulated).as("pushf ran as the hardware does it in ring 3").isEmpty();
    }

    @Test
    void aFaultOfUserCodeIsAnExceptionExit() {
        VirtualMachine vm = kernel("    cli\n");
        TinyVm.enterRing(vm, 3);

        Exit exit = bt.run(vm, 100);

        assertThat(exit).isInstanceOf(Exit.GuestException.class);
        assertThat(((Exit.GuestException) exit).vector()).isEqualTo(Vector.GENERAL_PROTECTION);
    }

    @Test
    void aKernelFetchThatFaultsIsReportedAsTheGuestsFault() {
        VirtualMachine vm = kernel("""
                    li r1, 0x00F00000
                    jr r1
                """);

        Exit exit = bt.run(vm, 100);

        assertThat(exit).isEqualTo(new Exit.GuestException(0x00F0_0000, Vector.GENERAL_PROTECTION, 0));
    }

    @Test
    void itHandlesItsCalloutsAndTheGuestsTrapsButNoTrappedPrivilegedInstruction() {
        VirtualMachine vm = kernel("    nop\n");

        assertThat(vm.exitHandlers().handles(Callout.class)).isTrue();
        assertThat(vm.exitHandlers().handles(Exit.GuestException.class)).isTrue();
        assertThat(vm.exitHandlers().handles(Exit.SoftwareInterrupt.class)).isTrue();
        assertThat(vm.exitHandlers().handles(Exit.PrivilegedInstruction.class))
                .as("kernel code never runs directly, so it never traps").isFalse();
    }

    /**
     * The emulator double: what bare metal would do in ring 0 to the few sensitive instructions the
     * tiny guests use, and nothing else.
     */
    private static final class TinyEmulator implements InstructionEmulator {
        final List<Opcode> emulated = new ArrayList<>();

        @Override
        public void emulate(VirtualMachine vm, Instruction insn) {
            emulated.add(insn.opcode());
            switch (insn.opcode()) {
                case CLI -> vm.vcpu().setVirtualInterruptsEnabled(false);
                case STI -> vm.vcpu().setVirtualInterruptsEnabled(true);
                case PUSHF -> {
                    int sp = vm.vcpu().register(org.vmlab.machine.isa.Registers.SP) - 4;
                    vm.guestMemory().writeWord(sp, vm.vcpu().flags(), 0);
                    vm.vcpu().setRegister(org.vmlab.machine.isa.Registers.SP, sp);
                }
                case HLT -> vm.vcpu().stop(StopReason.HALT, "hlt with interrupts off");
                case MTCR -> vm.vcpu().setControlRegister(insn.imm(), vm.vcpu().register(insn.rb()));
                case IN -> vm.vcpu().setRegister(insn.ra(), vm.devices().io().in(insn.imm()));
                default -> throw new AssertionError("the tiny guests do not use " + insn);
            }
            vm.vcpu().setPc(vm.vcpu().pc() + 4);
            vm.vcpu().retire(1);
        }
    }
}
