package org.vmlab.cpu.bt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.Fault;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.isa.Vector;
import org.vmlab.machine.memory.Pte;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryVirtualization;
import org.vmlab.vmm.PageFaultOutcome;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * The translator reads a basic block the way the guest's processor would fetch it, asks the rules
 * about each instruction, and ends the unit after a block-ending instruction, after a callout,
 * after a dozen instructions, or at the end of the page.
 *
 * <p>The VM here is never run: its guest-physical memory gets machine frames in the order it is
 * touched, so machine addresses differ from guest-physical ones, as under shadow paging.
 */
class TranslatorTest {
    private static final int CODE = 0x3000;
    private static final Instruction NOP = new Instruction(Opcode.NOP, 0, 0, 0, 0);

    private final TestRules rules = new TestRules();
    private final Translator translator = new Translator(rules, new AdaptiveTranslation());
    private final VirtualMachine vm = unrunVm();

    private static VirtualMachine unrunVm() {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(IsaVariant.LEGACY).memoryBytes(256 << 10).build(),
                VmmCostModel.DEFAULT);
        return vmm.create(new VmConfig("unrun", 64 << 10, 16, 1000, DeviceConfig.defaults()), null,
                new FramesOnFirstUse());
    }

    private static Instruction op(Opcode opcode) {
        return new Instruction(opcode, 1, 0, 0, 0);
    }

    private void write(int gpa, Instruction... instructions) {
        for (int i = 0; i < instructions.length; i++) {
            vm.memory().writeWord(gpa + 4 * i, instructions[i].encode());
        }
    }

    private static Instruction[] nops(int n) {
        Instruction[] a = new Instruction[n];
        Arrays.fill(a, NOP);
        return a;
    }

    private static List<Opcode> opcodes(TranslationUnit unit) {
        return java.util.stream.IntStream.range(0, unit.length()).mapToObj(i -> unit.instruction(i).opcode()).toList();
    }

    @Test
    void aUnitEndsAfterTheFirstInstructionThatEndsABlock() {
        write(CODE, NOP, op(Opcode.ADDI), new Instruction(Opcode.BEQ, 0, 0, 0, 5), NOP, NOP);

        TranslationUnit unit = translator.translate(vm, CODE);

        assertThat(opcodes(unit)).containsExactly(Opcode.NOP, Opcode.ADDI, Opcode.BEQ);
        assertThat(unit.guestPc()).isEqualTo(CODE);
    }

    @Test
    void aUnitEndsAfterACallout() {
        write(CODE, NOP, op(Opcode.CLI), NOP, NOP);

        TranslationUnit unit = translator.translate(vm, CODE);

        assertThat(opcodes(unit)).containsExactly(Opcode.NOP, Opcode.CLI);
        assertThat(unit.translation(1)).isEqualTo(Translation.CALLOUT);
    }

    @Test
    void anInCacheInstructionDoesNotEndTheUnit() {
        rules.with(Opcode.PUSHF, Translation.IN_CACHE);
        write(CODE, NOP, op(Opcode.PUSHF), op(Opcode.POP), new Instruction(Opcode.JMP, 0, 0, 0, -1));

        TranslationUnit unit = translator.translate(vm, CODE);

        assertThat(opcodes(unit)).containsExactly(Opcode.NOP, Opcode.PUSHF, Opcode.POP, Opcode.JMP);
        assertThat(unit.translation(1)).isEqualTo(Translation.IN_CACHE);
    }

    @Test
    void eachInstructionCarriesTheTranslationTheRulesChose() {
        rules.with(Opcode.SMSW, Translation.IN_CACHE);
        write(CODE, op(Opcode.SMSW), op(Opcode.ADD), op(Opcode.HLT));

        TranslationUnit unit = translator.translate(vm, CODE);

        assertThat(unit.translation(0)).isEqualTo(Translation.IN_CACHE);
        assertThat(unit.translation(1)).isEqualTo(Translation.IDENT);
        assertThat(unit.translation(2)).isEqualTo(Translation.CALLOUT);
        assertThat(rules.asked).extracting(Instruction::opcode)
                .as("asked once per instruction, in order").containsExactly(Opcode.SMSW, Opcode.ADD, Opcode.HLT);
    }

    @Test
    void aUnitHoldsAtMostADozenInstructions() {
        write(CODE, nops(20));

        TranslationUnit unit = translator.translate(vm, CODE);

        assertThat(unit.length()).isEqualTo(TranslationUnit.MAX_INSTRUCTIONS);
        assertThat(rules.asked).as("nothing read beyond it").hasSize(TranslationUnit.MAX_INSTRUCTIONS);
    }

    @Test
    void aUnitNeverCrossesThePageEnd() {
        write(CODE + 0x1000 - 12, nops(8));

        TranslationUnit unit = translator.translate(vm, CODE + 0x1000 - 12);

        assertThat(unit.length()).isEqualTo(3);
    }

    @Property(tries = 50)
    void theLengthIsTheFirstOfADozenAndThePageEnd(@ForAll @IntRange(min = 0, max = 1023) int slot) {
        VirtualMachine fresh = unrunVm();
        for (int a = CODE; a < CODE + 0x1000; a += 4) {
            fresh.memory().writeWord(a, NOP.encode());
        }

        TranslationUnit unit = new Translator(new TestRules(), new AdaptiveTranslation()).translate(fresh, CODE + 4 * slot);

        assertThat(unit.length()).isEqualTo(Math.min(TranslationUnit.MAX_INSTRUCTIONS, 1024 - slot));
    }

    @Test
    void aWordThatIsNoInstructionEndsTheUnitBeforeIt() {
        write(CODE, NOP, NOP);
        vm.memory().writeWord(CODE + 8, 0xFF00_0000);

        TranslationUnit unit = translator.translate(vm, CODE);

        assertThat(unit.length()).isEqualTo(2);
    }

    @Test
    void aUnitThatWouldStartWithNoInstructionIsTheGuestsInvalidOpcode() {
        vm.memory().writeWord(CODE, 0xFF00_0000);

        assertThatThrownBy(() -> translator.translate(vm, CODE))
                .isInstanceOfSatisfying(Fault.class, f -> assertThat(f.vector()).isEqualTo(Vector.INVALID_OPCODE));
    }

    @Test
    void itRecordsTheMachineAddressOfTheCodeNotTheGuestOne() {
        vm.memory().writeWord(0x9000, 0);   // guest frame 9 takes a machine frame first
        write(CODE, NOP, op(Opcode.RET));

        TranslationUnit unit = translator.translate(vm, CODE);

        assertThat(unit.machineAddress()).isEqualTo(vm.memory().machineAddress(CODE)).isNotEqualTo(CODE);
    }

    // --- what the guest's fetch would see --------------------------------------------------------

    private static final int PGDIR = 0x8000;
    private static final int PGTABLE = 0x9000;
    private static final int VA = 0x0040_0000;

    /** Guest page tables mapping virtual {@link #VA} to guest-physical {@code gpa}, paging on in the vCPU. */
    private void guestMaps(int va, int gpa, int bits) {
        vm.memory().writeWord(PGDIR + (Pte.directoryIndex(va) << 2), Pte.entry(PGTABLE, Pte.PRESENT | Pte.WRITABLE | Pte.USER));
        vm.memory().writeWord(PGTABLE + (Pte.tableIndex(va) << 2), Pte.entry(gpa, bits));
        vm.vcpu().setControlRegister(Registers.CR3, PGDIR);
        vm.vcpu().setControlRegister(Registers.CR0, Registers.CR0_PG | Registers.CR0_WP);
    }

    @Test
    void withPagingOnItDecodesWhatTheGuestsPageTablesMapAtPc() {
        write(CODE, op(Opcode.ADDI), op(Opcode.SUB), op(Opcode.JR));
        guestMaps(VA, CODE, Pte.PRESENT);

        TranslationUnit unit = translator.translate(vm, VA);

        assertThat(opcodes(unit)).containsExactly(Opcode.ADDI, Opcode.SUB, Opcode.JR);
        assertThat(unit.guestPc()).isEqualTo(VA);
        assertThat(unit.machineAddress()).isEqualTo(vm.memory().machineAddress(CODE));
    }

    @Test
    void aPageTheGuestDoesNotMapFaultsAsTheGuestsFetchWould() {
        guestMaps(VA, CODE, Pte.PRESENT);

        assertThatThrownBy(() -> translator.translate(vm, VA + 0x1000))
                .isInstanceOfSatisfying(Fault.class, f -> {
                    assertThat(f.vector()).isEqualTo(Vector.PAGE_FAULT);
                    assertThat(f.address()).isEqualTo(VA + 0x1000);
                    assertThat(f.errorCode() & Vector.PF_FETCH).isNotZero();
                });
    }

    @Test
    void theGuestsUserCodeCannotFetchASupervisorPage() {
        write(CODE, NOP, NOP);
        guestMaps(VA, CODE, Pte.PRESENT);   // supervisor only
        vm.vcpu().setFlags(3 << Registers.CPL_SHIFT);

        assertThatThrownBy(() -> translator.translate(vm, VA))
                .isInstanceOfSatisfying(Fault.class, f -> assertThat(f.errorCode() & Vector.PF_USER).isNotZero());
    }

    /** Memory virtualization of a VM that never runs: frames on first use, nothing else. */
    private static final class FramesOnFirstUse implements MemoryVirtualization {
        @Override
        public String name() {
            return "frames-on-first-use";
        }

        @Override
        public void attach(VirtualMachine machine) {
        }

        @Override
        public void activate() {
        }

        @Override
        public void controlRegisterWritten(int cr) {
        }

        @Override
        public void invalidatePage(int va) {
        }

        @Override
        public PageFaultOutcome pageFault(Exit.PageFault exit) {
            throw new UnsupportedOperationException("never run");
        }
    }
}
