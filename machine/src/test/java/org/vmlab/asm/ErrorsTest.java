package org.vmlab.asm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.asm.Sources.errors;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Every kind of error, at file:line:col pointing at the offending token. */
class ErrorsTest {

    @Test
    void unknownMnemonicSuggestsTheNearest() {
        assertThat(errors("  addd r1, r2, r3")).containsExactly("t.s:1:3: unknown mnemonic 'addd' (did you mean 'add'?)");
        assertThat(errors("frobnicate")).containsExactly("t.s:1:1: unknown mnemonic 'frobnicate'");
    }

    @Test
    void unknownDirectiveSuggestsTheNearest() {
        assertThat(errors(".wrod 1")).containsExactly("t.s:1:1: unknown directive '.wrod' (did you mean '.word'?)");
    }

    @Test
    void wrongOperandCount() {
        assertThat(errors("add r1, r2")).containsExactly(
                "t.s:1:1: add takes 3 operands (register, register, register), found 2");
        assertThat(errors("hlt r1")).containsExactly("t.s:1:5: hlt takes no operands, found 1");
        assertThat(errors("push r1, r2")).containsExactly(
                "t.s:1:10: push takes 1 operand (register), found 2");
    }

    @Test
    void wrongOperandKind() {
        assertThat(errors("add r1, r2, 5")).containsExactly(
                "t.s:1:13: expected a register (r0..r15 or sp), found '5'");
        assertThat(errors("addi r1, r2, r3")).containsExactly(
                "t.s:1:14: expected immediate, found register r3");
        assertThat(errors("lw r1, r2")).containsExactly(
                "t.s:1:8: expected a memory operand off(register), found 'r2'");
        assertThat(errors("add r1, r16, r2")).containsExactly(
                "t.s:1:9: expected a register (r0..r15 or sp), found 'r16'");
        assertThat(errors("mfcr r1, r2")).containsExactly(
                "t.s:1:10: expected a control register (crN), found 'r2'");
    }

    @Test
    void reservedControlRegister() {
        assertThat(errors("mtcr cr1, r1")).containsExactly(
                "t.s:1:6: cr1 is not a control register (cr0, cr2, cr3, cr4, cr5)");
    }

    @Test
    void undefinedSymbol() {
        assertThat(errors("nop\n  jmp nowhere")).containsExactly("t.s:2:7: undefined symbol 'nowhere'");
    }

    @Test
    void duplicateLabel() {
        assertThat(errors("a: nop\n a: nop")).containsExactly(
                "t.s:2:2: duplicate label 'a' (first defined at t.s:1)");
        assertThat(errors("X = 1\n.equ X, 2")).containsExactly(
                "t.s:2:6: duplicate symbol 'X' (first defined at t.s:1)");
    }

    @Test
    void registerNamesAreNotLabels() {
        assertThat(errors("sp: nop")).containsExactly("t.s:1:1: 'sp' is a register name and cannot be a label");
    }

    @Test
    @DisplayName("out-of-range values say what fits")
    void outOfRange() {
        assertThat(errors("addi r1, r1, 70000")).containsExactly(
                "t.s:1:14: immediate 70000 does not fit in 16 bits (-32768..32767)");
        assertThat(errors("ori r1, r1, -1")).containsExactly(
                "t.s:1:13: immediate -1 does not fit in 16 bits (0..65535)");
        assertThat(errors("lw r1, 40000(r2)")).containsExactly(
                "t.s:1:8: offset 40000 does not fit in 16 bits (-32768..32767)");
        assertThat(errors("int 256")).containsExactly("t.s:1:5: vector 256 is out of range (0..255)");
        assertThat(errors("in r1, 0x10000")).containsExactly("t.s:1:8: port 65536 is out of range (0..65535)");
        assertThat(errors(".byte 256")).containsExactly("t.s:1:7: value 256 does not fit in a byte (-128..255)");
    }

    @Test
    void branchTargets() {
        assertThat(errors("jmp 0x1002")).containsExactly("t.s:1:5: branch target 0x00001002 is not word-aligned");
        assertThat(errors("jmp 0x4000000")).containsExactly(
                "t.s:1:5: branch target 0x04000000 is out of range (farther than 32 MiB from 0x00000000)");
    }

    @Test
    void unterminatedString() {
        assertThat(errors("  .ascii \"abc")).containsExactly("t.s:1:10: unterminated string");
        assertThat(errors(".ascii \"\\q\"")).containsExactly("t.s:1:9: unknown escape sequence \\q");
    }

    @Test
    void unalignedInstruction() {
        assertThat(errors(".byte 1\nnop")).containsExactly(
                "t.s:2:1: instruction at unaligned address 0x00000001 (use .align 4 before it)");
    }

    @Test
    void orgMayNotMoveBackwards() {
        assertThat(errors("nop\nnop\n.org 4")).containsExactly(
                "t.s:3:1: .org 0x4 would move backwards (segment text is already at 0x8)");
    }

    @Test
    void sizesMustBeKnownInPassOne() {
        assertThat(errors(".space N\nN = 4")).containsExactly(
                "t.s:1:8: undefined symbol 'N' (.space needs symbols defined above it)");
    }

    @Test
    void overlappingSegments() {
        assertThat(errors("nop\nnop\n.segment data, 4\n.word 1")).containsExactly(
                "t.s:3:1: segment data (0x00000004..0x00000007) overlaps segment text (0x00000000..0x00000007)");
    }

    @Test
    void everyErrorOfTheFileIsReported() {
        assertThat(errors("bad1\nnop\nbad2 r1\njmp missing\n.wrod 1")).containsExactly(
                "t.s:1:1: unknown mnemonic 'bad1'",
                "t.s:3:1: unknown mnemonic 'bad2'",
                "t.s:4:5: undefined symbol 'missing'",
                "t.s:5:1: unknown directive '.wrod' (did you mean '.word'?)");
    }

    @Test
    void errorsAreCapped() {
        assertThat(errors("bad\n".repeat(500))).hasSize(ErrorLog.MAX_ERRORS + 1)
                .last().asString().endsWith("too many errors; stopping");
    }
}
