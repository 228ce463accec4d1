package org.vmlab.guests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.vmlab.machine.isa.Opcode;

/**
 * The paravirtualization seam holds only if the kernel writes every sensitive instruction
 * through a macro of privops.s: then PARAVIRT=1 can replace them all in one place.
 */
class PrivopsSeamTest {
    private static final List<String> KERNEL_SOURCES = List.of("toyos.s", "param.s", "boot.s",
            "trap.s", "vm.s", "proc.s", "syscall.s", "disk.s", "net.s", "console.s", "lib.s",
            "data.s", "hypercall.s", "xen.s", "split.s", "blkfront.s", "netfront.s");

    @Test
    void noKernelSourceButPrivopsWritesASensitiveInstruction() throws IOException {
        StringBuilder mnemonics = new StringBuilder();
        for (Opcode op : Opcode.values()) {
            if (op.isSensitive()) {
                mnemonics.append(mnemonics.length() == 0 ? "" : "|").append(op.mnemonic());
            }
        }
        Pattern sensitive = Pattern.compile("^\\s*(?:[A-Za-z_.$][\\w.$]*:)?\\s*(" + mnemonics
                + ")\\b", Pattern.CASE_INSENSITIVE);
        List<String> offenders = new ArrayList<>();
        for (String file : KERNEL_SOURCES) {
            String text = resource(file);
            String[] lines = text.split("\n");
            for (int i = 0; i < lines.length; i++) {
                String code = lines[i].replaceFirst(";.*", "");
                if (sensitive.matcher(code).find()) {
                    offenders.add(file + ":" + (i + 1) + ": " + lines[i].strip());
                }
            }
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void everyPrivopsMacroHasAParavirtualBranch() throws IOException {
        String privops = resource("privops.s");
        long macros = privops.lines().filter(l -> l.strip().toLowerCase(Locale.ROOT).startsWith(".macro"))
                .count();
        long seams = privops.lines().filter(l -> l.strip().equals(".if PARAVIRT")).count();
        assertThat(macros).isGreaterThanOrEqualTo(10).isEqualTo(seams);
    }

    private static String resource(String file) throws IOException {
        try (InputStream in = Toyos.class.getClassLoader()
                .getResourceAsStream(Toyos.SOURCE_DIR + file)) {
            assertThat(in).as(file).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
