package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.machine.Bench.i;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.NestedPte;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.machine.vt.VmExitReason;
import org.vmlab.machine.vt.VmcsField;
import org.vmlab.machine.vt.VmxControls;

/**
 * Non-root mode with nothing set to exit is ring 0 of a plain machine: a random sequence of
 * instructions (arithmetic, memory, and the sensitive ones a kernel uses: cli, sti, pushf, popf,
 * smsw, sidt, lidt, mfcr, mtcr of cr2 and cr4), then {@code cli; hlt}, leaves the same registers,
 * FLAGS, control registers, interrupt-table base and memory, after as many instructions, whether
 * it ran as a guest in non-root mode or in ring 0 of a machine without the vt feature; and so
 * does it under nested paging, its memory elsewhere in the machine.
 */
class VtEquivalenceProperties {

    @Property(tries = 200, seed = "14")
    void aGuestWithNothingExitingRunsAsRing0OfAPlainMachine(@ForAll("programs") List<Integer> program,
                                                            @ForAll boolean legacy) {
        IsaVariant isa = legacy ? IsaVariant.LEGACY : IsaVariant.CLASSIC;
        Bench plain = new Bench(isa);
        plain.code(program.stream().mapToInt(Integer::intValue).toArray());
        int hlt = plain.code(i(Opcode.CLI), i(Opcode.HLT)) + 4;
        RunResult bare = plain.run();

        VtBench vt = new VtBench(isa);
        vt.code(program.stream().mapToInt(Integer::intValue).toArray());
        vt.code(i(Opcode.CLI), i(Opcode.HLT));
        StopReason stop = vt.launch();

        assertThat(bare.stopReason()).as(bare.stopDetail()).isEqualTo(StopReason.HALT);
        assertThat(stop).as(vt.cpu().stopDetail()).isEqualTo(StopReason.VM_EXIT);
        assertThat(vt.exitReason()).isEqualTo(VmExitReason.HLT.number());
        assertThat(vt.guestPc()).isEqualTo(hlt);
        for (int n = 1; n < Registers.COUNT; n++) {
            int guest = n == Registers.SP ? vt.get(VmcsField.GUEST_SP) : vt.r(n);
            assertThat(guest).as("r%d", n).isEqualTo(plain.r(n));
        }
        assertThat(vt.get(VmcsField.GUEST_FLAGS)).as("FLAGS").isEqualTo(plain.cpu().flags());
        assertThat(vt.get(VmcsField.GUEST_CR2)).isEqualTo(plain.cpu().controlRegister(Registers.CR2));
        assertThat(vt.get(VmcsField.GUEST_CR4)).isEqualTo(plain.cpu().controlRegister(Registers.CR4));
        assertThat(vt.get(VmcsField.GUEST_IDTR_BASE)).isEqualTo(plain.cpu().idtr());
        assertThat(vt.cpu().instructions()).isEqualTo(plain.cpu().instructions() - 1);   // hlt did not retire
        assertThat(vt.bench.machine.memory().read(Bench.DATA, 256))
                .isEqualTo(plain.machine.memory().read(Bench.DATA, 256));
        assertThat(vt.bench.machine.memory().read(Bench.KERNEL_STACK - 256, 256))
                .isEqualTo(plain.machine.memory().read(Bench.KERNEL_STACK - 256, 256));
    }

    /**
     * The same under nested paging: the guest's physical memory (its low 64 KiB, where the bench
     * keeps everything) is machine memory at {@code RELOCATED}, reached only through the nested
     * tables, with VPID or without; the guest cannot tell.
     */
    @Property(tries = 100, seed = "48")
    void aGuestUnderNestedPagingRunsAsRing0OfAPlainMachine(@ForAll("programs") List<Integer> program,
                                                           @ForAll boolean vpid) {
        Bench plain = new Bench(IsaVariant.CLASSIC);
        plain.code(program.stream().mapToInt(Integer::intValue).toArray());
        plain.code(i(Opcode.CLI), i(Opcode.HLT));
        plain.run();

        VtBench vt = VtBench.classic();
        vt.code(program.stream().mapToInt(Integer::intValue).toArray());
        vt.code(i(Opcode.CLI), i(Opcode.HLT));
        PhysicalMemory machine = vt.bench.machine.memory();
        machine.write(RELOCATED, machine.read(0, GUEST_MEMORY));
        machine.write(0, new byte[GUEST_MEMORY]);   // nothing left where the guest believes it is
        machine.writeWord(NESTED_DIR, NestedPte.of(NESTED_TABLE, NestedPte.PERMISSIONS));
        for (int gpa = 0; gpa < GUEST_MEMORY; gpa += PhysicalMemory.PAGE_SIZE) {
            machine.writeWord(NESTED_TABLE + 4 * (gpa >>> 12), NestedPte.of(RELOCATED + gpa, NestedPte.PERMISSIONS));
        }
        vt.control(VmcsField.PROCESSOR_BASED_CONTROLS, VmxControls.PROC_ACTIVATE_SECONDARY_CONTROLS);
        vt.set(VmcsField.SECONDARY_PROCESSOR_BASED_CONTROLS, VmxControls.SECONDARY_ENABLE_EPT
                | (vpid ? VmxControls.SECONDARY_ENABLE_VPID : 0));
        vt.set(VmcsField.EPT_POINTER, NESTED_DIR).set(VmcsField.VIRTUAL_PROCESSOR_ID, 1);
        StopReason stop = vt.launch();

        assertThat(stop).as(vt.cpu().stopDetail()).isEqualTo(StopReason.VM_EXIT);
        assertThat(vt.exitReason()).isEqualTo(VmExitReason.HLT.number());
        for (int n = 1; n < Registers.COUNT; n++) {
            int guest = n == Registers.SP ? vt.get(VmcsField.GUEST_SP) : vt.r(n);
            assertThat(guest).as("r%d", n).isEqualTo(plain.r(n));
        }
        assertThat(vt.get(VmcsField.GUEST_FLAGS)).as("FLAGS").isEqualTo(plain.cpu().flags());
        assertThat(vt.cpu().instructions()).isEqualTo(plain.cpu().instructions() - 1);
        assertThat(machine.read(RELOCATED + Bench.DATA, 256)).isEqualTo(plain.machine.memory().read(Bench.DATA, 256));
        assertThat(machine.read(RELOCATED + Bench.KERNEL_STACK - 256, 256))
                .isEqualTo(plain.machine.memory().read(Bench.KERNEL_STACK - 256, 256));
        assertThat(vt.bench.machine.mmu().nestedWalkReferences()).isEqualTo(2 * vt.bench.machine.mmu().nestedWalks());
    }

    private static final int GUEST_MEMORY = 0x10000;
    private static final int RELOCATED = 0x80000;
    private static final int NESTED_DIR = 0x20000;
    private static final int NESTED_TABLE = 0x21000;

    @Provide
    Arbitrary<List<Integer>> programs() {
        return instruction().list().ofMinSize(1).ofMaxSize(40);
    }

    private static Arbitrary<Integer> instruction() {
        Arbitrary<Integer> reg = Arbitraries.integers().between(1, 12);
        Arbitrary<Integer> imm = Arbitraries.integers().between(-300, 300);
        Arbitrary<Integer> slot = Arbitraries.integers().between(0, 63).map(k -> Bench.DATA + 4 * k);
        Arbitrary<Opcode> alu = Arbitraries.of(Opcode.ADD, Opcode.SUB, Opcode.AND, Opcode.OR, Opcode.XOR,
                Opcode.SHL, Opcode.SHR, Opcode.SAR, Opcode.MUL, Opcode.CMP, Opcode.TST, Opcode.MOV);
        Arbitrary<Opcode> immediate = Arbitraries.of(Opcode.ADDI, Opcode.ORI, Opcode.XORI, Opcode.SHLI,
                Opcode.CMPI, Opcode.MULI, Opcode.LUI);
        Arbitrary<Integer> system = Arbitraries.of(Opcode.CLI, Opcode.STI, Opcode.PUSHF, Opcode.POPF, Opcode.NOP)
                .map(Bench::i);
        return Arbitraries.oneOf(
                Combinators.combine(alu, reg, reg, reg).as((op, a, b, c) -> i(op, a, b, c, 0)),
                Combinators.combine(immediate, reg, reg, imm).as((op, a, b, v) -> i(op, a, b, 0, v & 0xFFFF)),
                Combinators.combine(reg, slot).as((a, at) -> i(Opcode.LW, a, 0, 0, at)),
                Combinators.combine(reg, slot).as((a, at) -> i(Opcode.SW, a, 0, 0, at)),
                reg.map(a -> i(Opcode.PUSH, 0, a, 0, 0)),
                reg.map(a -> i(Opcode.POP, a, 0, 0, 0)),
                system,
                reg.map(a -> i(Opcode.SMSW, a, 0, 0, 0)),
                reg.map(a -> i(Opcode.SIDT, a, 0, 0, 0)),
                Combinators.combine(reg, Arbitraries.of(0, 2, 3, 4, 5)).as((a, cr) -> i(Opcode.MFCR, a, 0, 0, cr)),
                Combinators.combine(reg, Arbitraries.of(2, 4)).as((b, cr) -> i(Opcode.MTCR, 0, b, 0, cr)));
    }
}
