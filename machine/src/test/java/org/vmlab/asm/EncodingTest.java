package org.vmlab.asm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vmlab.asm.Sources.word;
import static org.vmlab.asm.Sources.words;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** One instruction of every {@link org.vmlab.machine.isa.Format}, and the pseudo-instructions. */
class EncodingTest {

    @Test
    void none() {
        assertThat(word("hlt")).isEqualTo(0x02000000);
        assertThat(word("ret")).isEqualTo(0x54000000);
    }

    @Test
    void threeRegisters() {
        assertThat(word("add r1, r2, r3")).isEqualTo(0x20123000);
    }

    @Test
    void twoRegisters() {
        assertThat(word("mov r4, sp")).isEqualTo(0x2F4E0000);
    }

    @Test
    void compareUsesRbAndRc() {
        assertThat(word("cmp r1, r2")).isEqualTo(0x2D012000);
    }

    @Test
    void signedImmediate() {
        assertThat(word("addi r1, r2, -4")).isEqualTo(0x3012FFFC);
    }

    @Test
    void unsignedImmediate() {
        assertThat(word("ori r1, r2, 0xFFFF")).isEqualTo(0x3212FFFF);
        assertThat(word("lui r1, 0x1234")).isEqualTo(0x37101234);
    }

    @Test
    void compareImmediateUsesRb() {
        assertThat(word("cmpi r1, 10")).isEqualTo(0x3801000A);
    }

    @Test
    void loadAndStore() {
        assertThat(word("lw r1, 8(sp)")).isEqualTo(0x401E0008);
        assertThat(word("sw r1, -4(r2)")).isEqualTo(0x4312FFFC);
    }

    @Test
    @DisplayName("(r3) means 0(r3)")
    void memoryOperandWithoutOffset() {
        assertThat(word("lb r1, (r3)")).isEqualTo(word("lb r1, 0(r3)")).isEqualTo(0x41130000);
    }

    @Test
    void oneDestinationOrSourceRegister() {
        assertThat(word("pop r2")).isEqualTo(0x46200000);
        assertThat(word("smsw r2")).isEqualTo(0x09200000);
        assertThat(word("push r1")).isEqualTo(0x45010000);
        assertThat(word("jr r5")).isEqualTo(0x52050000);
        assertThat(word("lidt r1")).isEqualTo(0x0B010000);
    }

    @Test
    @DisplayName("branches encode (target - (pc + 4)) / 4 in 24 signed bits")
    void branches() {
        assertThat(words("loop: nop\n beq loop\n jmp end\n call end\nend: ret"))
                .containsExactly(0x01000000, 0x55FFFFFE, 0x50000001, 0x51000000, 0x54000000);
    }

    @Test
    void controlRegisters() {
        assertThat(word("mfcr r1, cr3")).isEqualTo(0x0C100003);
        assertThat(word("mtcr cr3, r1")).isEqualTo(0x0D010003);
    }

    @Test
    void ports() {
        assertThat(word("in r1, 0x3f8")).isEqualTo(0x0F1003F8);
        assertThat(word("out 0x3f8, r1")).isEqualTo(0x100103F8);
    }

    @Test
    void vector() {
        assertThat(word("int 0x80")).isEqualTo(0x08000080);
    }

    @Test
    @DisplayName("li and la are always lui + ori, whatever the value")
    void loadImmediate() {
        assertThat(words("li r1, 0x12345678")).containsExactly(0x37101234, 0x32115678);
        assertThat(words("li r1, 5")).containsExactly(0x37100000, 0x32110005);
        assertThat(words("la r2, here\nhere: hlt")).containsExactly(0x37200000, 0x32220008, 0x02000000);
    }

    @Test
    @DisplayName("mnemonics and registers ignore case; sp is r14")
    void caseInsensitive() {
        assertThat(word("ADD R1, r2, R3")).isEqualTo(word("add r1, r2, r3"));
        assertThat(word("push SP")).isEqualTo(word("push r14"));
    }
}
