package org.vmlab.asm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.vmlab.machine.isa.Opcode;

/**
 * The assembler answers every input with an image or with {@code file:line:col} errors, quickly:
 * never a Java exception, a stack overflow or a hang, and never its own last-resort "internal
 * error" (every input it knows to be hard has an error of its own).
 *
 * <p>Three kinds of input: real programs (the guests and lab programs of this repository when
 * the build can see them, and a few embedded ones in any case) with random mutations; token soup
 * from the language's own vocabulary; and constructs nested from shallow to absurdly deep. The
 * seeds are fixed, so the build is repeatable.
 */
class AssemblerFuzzProperties {

    /**
     * Each assembly must end within this, whatever its input: a guard against a hang (an
     * assembler that loops on some input), not a measure of speed, so it is generous enough for
     * a shared machine under load (a deep input takes well under a second alone).
     */
    private static final Duration BOUND = Duration.ofSeconds(30);

    private static final Pattern LOCATED = Pattern.compile("[^\\n]+:[1-9][0-9]*:[1-9][0-9]*: \\S.*",
            Pattern.DOTALL);

    /** One program: its files, by name, and the one to assemble. */
    record Program(Map<String, String> files, String main) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("main " + main + "\n");
            files.forEach((name, text) -> b.append("=== ").append(name).append('\n')
                    .append(text.length() > 4000 ? text.substring(0, 4000) + "\n[...]" : text)
                    .append('\n'));
            return b.toString();
        }
    }

    // --- the properties ------------------------------------------------------------------------

    @Property(tries = 150, seed = "20261202")
    void mutatedProgramsAssembleOrFailAtALine(@ForAll("mutatedPrograms") Program program) {
        assertAnswers(program);
    }

    @Property(tries = 300, seed = "424242")
    void tokenSoupAssemblesOrFailsAtALine(@ForAll("tokenSoup") Program program) {
        assertAnswers(program);
    }

    @Property(tries = 60, seed = "31337")
    void deeplyNestedConstructsAssembleOrFailAtALine(@ForAll("nestedConstructs") Program program) {
        assertAnswers(program);
    }

    private static void assertAnswers(Program program) {
        AssemblyException failure = assertTimeoutPreemptively(BOUND, () -> {
            try {
                new Assembler(SourceLoader.of(program.files())).assemble(program.main(), Map.of());
                return null;
            } catch (AssemblyException e) {
                return e;
            }
        }, () -> "the assembler took longer than " + BOUND + " on\n" + program);
        if (failure == null) {
            return;
        }
        assertThat(failure.errors()).as("errors of\n%s", program).isNotEmpty()
                .allSatisfy(e -> {
                    assertThat(e.toString()).matches(LOCATED);
                    assertThat(program.files()).containsKey(e.file());
                    assertThat(e.message()).doesNotContain("internal error");
                });
    }

    // --- real programs, mutated ----------------------------------------------------------------

    @Provide
    Arbitrary<Program> mutatedPrograms() {
        List<Program> corpus = corpus();
        return Arbitraries.randomValue(random -> mutate(corpus.get(random.nextInt(corpus.size())), random));
    }

    private static Program mutate(Program base, Random random) {
        Map<String, String> files = new LinkedHashMap<>(base.files());
        List<String> names = new ArrayList<>(files.keySet());
        int mutations = 1 + random.nextInt(6);
        for (int i = 0; i < mutations; i++) {
            // mostly the main file; sometimes one it includes
            String name = random.nextInt(3) == 0 ? names.get(random.nextInt(names.size())) : base.main();
            files.put(name, mutateText(files.get(name), random));
        }
        return new Program(files, base.main());
    }

    private static String mutateText(String text, Random random) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int at = random.nextInt(lines.size());
        String line = lines.get(at);
        switch (random.nextInt(12)) {
            case 0 -> lines.remove(at);                                      // drop a line
            case 1 -> lines.add(random.nextInt(lines.size() + 1), line);     // repeat a line
            case 2 -> {                                                      // swap two lines
                int other = random.nextInt(lines.size());
                lines.set(at, lines.get(other));
                lines.set(other, line);
            }
            case 3 -> lines.set(at, cut(line, random));                     // cut a line short
            case 4 -> lines.set(at, insert(line, random, token(random)));   // a token anywhere
            case 5 -> lines.set(at, insert(line, random, String.valueOf(PUNCTUATION.charAt(
                    random.nextInt(PUNCTUATION.length())))));
            case 6 -> lines.set(at, dropCharacter(line, random));
            case 7 -> lines.add(at, soupLine(random));                      // a line of soup
            case 8 -> lines.add(at, nested(random));                        // something deep
            case 9 -> lines.set(at, insert(line, random, "(".repeat(1 + random.nextInt(300))));
            case 10 -> lines.add(at, lines.get(random.nextInt(lines.size())) + " " + line);
            default -> {                                                     // a block moved
                int from = random.nextInt(lines.size());
                int length = Math.min(lines.size() - from, 1 + random.nextInt(20));
                List<String> block = new ArrayList<>(lines.subList(from, from + length));
                lines.subList(from, from + length).clear();
                lines.addAll(random.nextInt(lines.size() + 1), block);
            }
        }
        return String.join("\n", lines);
    }

    private static String insert(String line, Random random, String piece) {
        int at = random.nextInt(line.length() + 1);
        return line.substring(0, at) + piece + line.substring(at);
    }

    private static String cut(String line, Random random) {
        return line.substring(0, random.nextInt(line.length() + 1));
    }

    private static String dropCharacter(String line, Random random) {
        if (line.isEmpty()) {
            return line;
        }
        int at = random.nextInt(line.length());
        return line.substring(0, at) + line.substring(at + 1);
    }

    /**
     * The programs to mutate: the embedded ones, then every {@code .s} file of the guests and the
     * lab tests when this module's build can see them (each with the files of its directory, for
     * its includes), in a fixed order.
     */
    private static List<Program> corpus() {
        List<Program> corpus = new ArrayList<>(EMBEDDED);
        for (String root : List.of("../guests/src/main/resources", "../labs/src/test/resources")) {
            Path dir = Path.of(root);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            Map<Path, Map<String, String>> byDirectory = new TreeMap<>();
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.filter(p -> p.toString().endsWith(".s") || p.toString().endsWith(".inc"))
                        .sorted()
                        .forEach(p -> byDirectory.computeIfAbsent(p.getParent(), d -> new TreeMap<>())
                                .put(p.getFileName().toString(), read(p)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            byDirectory.values().forEach(files -> files.keySet().stream()
                    .filter(name -> name.endsWith(".s"))
                    .forEach(name -> corpus.add(new Program(files, name))));
        }
        return corpus;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Small programs that use most of the language, in case the repository's are out of sight. */
    private static final List<Program> EMBEDDED = List.of(
            new Program(Map.of("kernel.s", """
                    ; a kernel in miniature
                        .include "defs.inc"
                        .segment kernel, KERNEL_BASE
                        .entry start
                    .macro  push2 a, b
                        push    \\a
                        push    \\b
                    .endm
                    .macro  spin
                    wait\\@: jmp    wait\\@
                    .endm
                    start:  li      sp, STACK_TOP
                        la      r1, idt
                        lidt    r1
                        push2   r1, r2
                    .if DEBUG > 1
                        out     CONSOLE, r1
                    .elif DEBUG == 1
                        nop
                    .else
                        cli
                    .endif
                    .ifdef PARAVIRT
                        int     0x80
                    .endif
                        mfcr    r3, cr0
                        ori     r3, r3, 1
                        mtcr    cr0, r3
                        lw      r4, 8(sp)
                        sw      r4, -4(r2)
                        cmpi    r4, 10
                        bne     start
                        call    f
                        spin
                    f:  addi    r1, r1, -(1 + 2) * 3
                        ret
                        .align  4
                    idt:    .word   handler + 3, (handler | 3), 0
                    msg:    .asciz  "hello\\n", "x"
                        .byte   1, 2, 'c', 255
                        .space  16, 0xff
                    handler: iret
                    TABLE_END = idt + 64 * 4
                        .word TABLE_END - ., STACK_TOP >> 4, ~0 && 1 || 0
                    """, "defs.inc", """
                    KERNEL_BASE = 0x1000
                    .equ STACK_TOP, 0x9000
                    CONSOLE = 0x3f8
                    DEBUG = 1
                    """), "kernel.s"),
            new Program(Map.of("user.s", """
                        .org 0x400000
                    main:   li      r1, 100
                    loop:   addi    r1, r1, -1
                        cmp     r1, r0
                        bgt     loop
                        mov     r2, r1
                        add     r3, r1, r2
                        mul     r3, r3, r3
                        div     r4, r3, r1
                        in      r5, 0x40
                        hlt
                    """), "user.s"));

    // --- token soup ----------------------------------------------------------------------------

    private static final String PUNCTUATION = "()(),,::;=\"'\\.+-*/%&|^~!<>@$_ ";

    private static final List<String> VOCABULARY = vocabulary();

    private static List<String> vocabulary() {
        List<String> words = new ArrayList<>();
        for (Opcode op : Opcode.values()) {
            words.add(op.mnemonic());
        }
        words.addAll(List.of("li", "la", "LI", "Add"));
        words.addAll(Assembly.DIRECTIVES);
        words.addAll(List.of(".half", ".org", ".word", ".if", ".endif", ".macro", ".endm", ".include"));
        for (int r = 0; r <= 16; r++) {
            words.add("r" + r);
        }
        words.addAll(List.of("sp", "cr0", "cr1", "cr2", "cr3", "cr4", "cr5", "cr99"));
        words.addAll(List.of("(", ")", "(", ")", ",", ",", ":", "=", "+", "-", "*", "/", "%", "<<",
                ">>", "&", "|", "^", "~", "!", "&&", "||", "==", "!=", "<", "<=", ">", ">=", ".", ";"));
        words.addAll(List.of("0", "1", "-1", "4", "0x10", "0xffffffff", "0x100000000", "0b101", "0x",
                "4096", "0x7fffffff", "99999999999999999999", "'a'", "'\\n'", "'", "1_000"));
        words.addAll(List.of("a", "b", "loop", "start", "X", "Y", "m", "n", "a:", "b:", "m:", "\\x",
                "\\@", "\\", "\"t.s\"", "\"u.inc\"", "\"x\"", "\"", "\"\\q\""));
        return words;
    }

    private static String token(Random random) {
        return VOCABULARY.get(random.nextInt(VOCABULARY.size()));
    }

    private static String soupLine(Random random) {
        StringBuilder line = new StringBuilder();
        int tokens = random.nextInt(9);
        for (int i = 0; i < tokens; i++) {
            line.append(token(random)).append(random.nextInt(4) == 0 ? "" : " ");
        }
        return line.toString();
    }

    /** Soup with some structure: statements, macro definitions, conditionals, assignments. */
    private static String soup(Random random, int lines) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            switch (random.nextInt(10)) {
                case 0 -> text.append(".macro m").append(random.nextInt(3)).append(random.nextBoolean() ? " x" : "")
                        .append('\n').append(soupLine(random)).append('\n')
                        .append(random.nextInt(4) == 0 ? "" : ".endm\n");
                case 1 -> text.append(".if ").append(soupLine(random)).append('\n').append(soupLine(random))
                        .append(random.nextBoolean() ? "\n.else\n" : "\n").append(soupLine(random))
                        .append(random.nextInt(4) == 0 ? "\n" : "\n.endif\n");
                case 2 -> text.append((char) ('a' + random.nextInt(4))).append(" = ").append(soupLine(random))
                        .append('\n');
                case 3 -> text.append(token(random)).append(' ').append(token(random)).append(", ")
                        .append(token(random)).append(", ").append(token(random)).append('\n');
                case 4 -> text.append("m").append(random.nextInt(3)).append(' ').append(soupLine(random))
                        .append('\n');
                default -> text.append(soupLine(random)).append('\n');
            }
        }
        return text.toString();
    }

    @Provide
    Arbitrary<Program> tokenSoup() {
        return Arbitraries.randomValue(random -> new Program(Map.of(
                "t.s", soup(random, 1 + random.nextInt(40)),
                "u.inc", soup(random, random.nextInt(10))), "t.s"));
    }

    // --- deep constructs -----------------------------------------------------------------------

    @Provide
    Arbitrary<Program> nestedConstructs() {
        return Arbitraries.randomValue(random -> {
            StringBuilder text = new StringBuilder();
            int constructs = 1 + random.nextInt(3);
            for (int i = 0; i < constructs; i++) {
                text.append(nested(random)).append('\n');
            }
            return new Program(Map.of("t.s", text.toString(), "u.inc", ".include \"t.s\"\n"
                    + nested(random)), "t.s");
        });
    }

    /** A depth from shallow to absurd: most often small, sometimes tens of thousands. */
    private static int depth(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextInt(10);
            case 1 -> random.nextInt(200);
            case 2 -> random.nextInt(5_000);
            default -> random.nextInt(50_000);
        };
    }

    /** One deeply nested construct, possibly spoiled so that it is an error. */
    private static String nested(Random random) {
        int n = depth(random);
        String spoil = random.nextInt(3) == 0 ? token(random) : "";
        return switch (random.nextInt(10)) {
            case 0 -> ".word " + "(".repeat(n) + "1" + spoil + ")".repeat(n);
            case 1 -> ".word " + "-~!+".repeat(n / 4 + 1) + "1" + spoil;
            case 2 -> ".word 1" + " + 1".repeat(n) + spoil;
            case 3 -> ".if 1\n".repeat(n) + "nop\n" + spoil + "\n" + ".endif\n".repeat(n);
            case 4 -> {                              // a chain of symbols, maybe closed into a cycle
                StringBuilder b = new StringBuilder();
                String prefix = "c" + random.nextInt(1000) + "_";
                for (int i = 0; i < n; i++) {
                    b.append(prefix).append(i).append(" = ").append(prefix).append(i + 1).append(" + 1\n");
                }
                b.append(prefix).append(n).append(" = ").append(random.nextBoolean() ? prefix + "0" : "2")
                        .append(spoil).append("\n.word ").append(prefix).append("0\n");
                yield b.toString();
            }
            case 5 -> {                              // a macro that calls itself, once or twice
                String name = "rec" + random.nextInt(1000);
                yield ".macro " + name + " x\n " + name + " \\x\\x\n"
                        + (random.nextBoolean() ? " " + name + " \\x\n" : "") + ".endm\n" + name + " a" + spoil;
            }
            case 6 -> ".include \"" + (random.nextBoolean() ? "t.s" : "u.inc") + "\"" + spoil;
            case 7 -> ".space " + (random.nextBoolean() ? "0x7fffffff" : String.valueOf(n)) + spoil;
            case 8 -> ".org 0x" + Integer.toHexString(random.nextInt()) + "\n.word 1, 2" + spoil;
            default -> ".word " + "(1 + ".repeat(n) + "1" + ")".repeat(n) + spoil;
        };
    }
}
