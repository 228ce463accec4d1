package org.vmlab.asm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.vmlab.asm.Sources.errors;
import static org.vmlab.asm.Sources.word;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever the input, the assembler answers with {@code file:line:col} errors, never a Java
 * exception, a stack overflow or a hang: one test per way an input used to get past that.
 */
class RobustnessTest {

    /** The errors of {@code source}, which must come within a few seconds. */
    private static List<String> bounded(String source) {
        return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> errors(source));
    }

    private static List<String> bounded(Map<String, String> files, String main) {
        return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> errors(files, main));
    }

    // --- the operand parser --------------------------------------------------------------------

    @Test
    void aTrailingCommaAfterTheLastOperandIsOneOperandTooMany() {
        assertThat(errors("add r1, r2, r3,")).containsExactly(
                "t.s:1:15: add takes 3 operands (register, register, register), found 4");
        assertThat(errors("li r1, 2,")).containsExactly("t.s:1:9: li takes 2 operands (register, value), found 3");
        assertThat(errors("hlt ,")).containsExactly("t.s:1:5: hlt takes no operands, found 2");
    }

    @Test
    void longOperandTextIsShortenedInMessages() {
        String junk = "x".repeat(100_000);
        List<String> errors = errors("add r1, r2, " + junk + "+1");
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("t.s:1:13: expected a register").hasSizeLessThan(400);
    }

    // --- expressions ---------------------------------------------------------------------------

    @Test
    void deepParenthesesAreAnErrorNotAStackOverflow() {
        String deep = "(".repeat(100_000) + "1" + ")".repeat(100_000);
        assertThat(bounded(".word " + deep)).containsExactly(
                "t.s:1:" + (7 + ExprParser.MAX_NESTING) + ": expression nested more than "
                        + ExprParser.MAX_NESTING + " deep (parentheses and unary operators)");
    }

    @Test
    void parenthesesUpToTheLimitAreFine() {
        int n = ExprParser.MAX_NESTING;
        assertThat(word(".word " + "(".repeat(n) + "1 + 2" + ")".repeat(n))).isEqualTo(3);
        assertThat(word(".word " + "-".repeat(n) + "1")).isEqualTo(1);
    }

    @Test
    void deepUnaryOperatorsAreAnErrorNotAStackOverflow() {
        assertThat(bounded(".word " + "-".repeat(100_000) + "1")).containsExactly(
                "t.s:1:" + (7 + ExprParser.MAX_NESTING) + ": expression nested more than "
                        + ExprParser.MAX_NESTING + " deep (parentheses and unary operators)");
        assertThat(bounded(".word " + "~(".repeat(100_000))).hasSize(1);
    }

    @Test
    void longFlatExpressionsAreNotNesting() {
        // 100000 additions chained to the left: long, but not deep
        assertThat(word(".word 0" + " + 1".repeat(100_000))).isEqualTo(100_000);
        assertThat(word("X = 1\n.word X" + " - X".repeat(50_000) + " * 1")).isEqualTo(1 - 50_000);
        assertThat(word(".word 1" + " && 1".repeat(50_000))).isEqualTo(1);
    }

    @Test
    void divisionByZeroIsAnErrorWhereverItIs() {
        assertThat(errors(".word 5 % 0")).containsExactly("t.s:1:9: division by zero");
        assertThat(errors("Z = 0\n.if 1 / Z\n.endif")).containsExactly("t.s:2:7: division by zero");
        assertThat(errors("Z = 4 - 4\nQ = 8 / Z\n.word Q")).containsExactly("t.s:2:7: division by zero");
        assertThat(word(".word 0x80000000 / -1")).isEqualTo(Integer.MIN_VALUE);
        assertThat(word(".word 0x80000000 % -1")).isZero();
    }

    @Test
    void oversizedAndMalformedNumbers() {
        assertThat(errors(".word 99999999999999999999999")).containsExactly(
                "t.s:1:7: number 99999999999999999999999 does not fit in 32 bits");
        assertThat(errors(".word 0x")).containsExactly("t.s:1:7: malformed number '0x'");
        assertThat(errors(".word 0b102")).containsExactly("t.s:1:7: malformed number '0b102'");
    }

    // --- symbols -------------------------------------------------------------------------------

    @Test
    void aSymbolCycleIsNamed() {
        assertThat(errors("a = b + 1\nb = a\n.word a")).containsExactly(
                "t.s:2:5: symbol 'a' is defined in terms of itself (a -> b -> a)");
        assertThat(word("a = a\n.word 1")).isEqualTo(1);   // never used: never evaluated
    }

    @Test
    void aLongSymbolCycleIsNamedShortly() {
        StringBuilder source = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            source.append("s").append(i).append(" = s").append((i + 1) % 10_000).append(" + 1\n");
        }
        source.append(".word s0\n");
        List<String> errors = bounded(source.toString());
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("t.s:10000:9: symbol 's0' is defined in terms of itself (s0 -> s1 -> ")
                .contains(" -> ... -> ").endsWith(" -> s9999 -> s0)").hasSizeLessThan(400);
    }

    @Test
    void aCycleInPassOneIsNamedAtTheLineThatNeedsTheValue() {
        assertThat(errors("a = b\nb = a\n.if a\n.endif")).containsExactly(
                "t.s:3:5: symbol 'a' cannot be computed here: symbol 'b' cannot be computed here:"
                        + " symbol 'a' is defined in terms of itself (a -> b -> a)");
    }

    @Test
    void aSymbolThatCouldNotBeComputedInPassOneIsComputedAgainInPassTwo() {
        assertThat(errors("X = later\n.if X\n.endif\nlater:\n.word X")).containsExactly(
                "t.s:2:5: symbol 'X' cannot be computed here: undefined symbol 'later'"
                        + " (.if needs symbols defined above it)");
        assertThat(word("Y = 4\n.if Y == 4\n.endif\nX = Y + later\n.word X\nlater:")).isEqualTo(8);
    }

    @Test
    void aCycleBehindAShortCircuitIsNeverEvaluated() {
        assertThat(word("a = 0 && b\nb = a\n.word b")).isZero();
    }

    @Test
    void longChainsOfSymbolsAreFollowedWithoutRecursion() {
        StringBuilder source = new StringBuilder("s0 = 0\n");
        for (int i = 1; i <= 100_000; i++) {
            source.append("s").append(i).append(" = s").append(i - 1).append(" + 1\n");
        }
        source.append(".word s100000\n");
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> word(source.toString())))
                .isEqualTo(100_000);
    }

    @Test
    void aChainDefinedBackwardsIsFollowedToo() {
        StringBuilder source = new StringBuilder(".word s0\n");
        for (int i = 0; i < 100_000; i++) {
            source.append("s").append(i).append(" = s").append(i + 1).append(" + 1\n");
        }
        source.append("s100000 = end\nend:\n");
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> word(source.toString())))
                .isEqualTo(100_000 + 4);
    }

    @Test
    void anUndefinedSymbolAtTheEndOfALongChainIsReportedOnce() {
        StringBuilder source = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            source.append(".word s").append(i).append('\n');
        }
        for (int i = 0; i < 20_000; i++) {
            source.append("s").append(i).append(" = s").append(i + 1).append('\n');
        }
        assertThat(bounded(source.toString())).containsExactly(
                "t.s:40000:10: undefined symbol 's20000'");
    }

    @Test
    void anExpressionNamingManySymbolsIsEvaluatedInLinearTime() {
        StringBuilder source = new StringBuilder(".word 0");
        StringBuilder definitions = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            source.append(" + (s").append(i).append(')');
            definitions.append("s").append(i).append(" = 1\n");
        }
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> word(source + "\n" + definitions))).isEqualTo(50_000);
    }

    // --- macros --------------------------------------------------------------------------------

    @Test
    void aMacroThatCallsItselfTwiceStopsAtOnce() {
        List<String> errors = bounded(".macro m\n m\n m\n.endm\nm");
        assertThat(errors.get(0)).startsWith(
                "t.s:2:2: macros nested more than 32 deep (does macro m call itself?)");
        assertThat(errors).hasSizeLessThan(5);
    }

    @Test
    void macrosThatDoubleTheirExpansionAtEveryLevelRunOutOfBudget() {
        // every expansion of m0 is a hundred (empty) lines: 2^30 of them would take hours
        StringBuilder source = new StringBuilder(".macro m0\n" + "\n".repeat(100) + ".endm\n");
        for (int i = 1; i <= 30; i++) {
            source.append(".macro m").append(i).append("\n m").append(i - 1).append("\n m")
                    .append(i - 1).append("\n.endm\n");
        }
        source.append("m30\n");
        List<String> errors = bounded(source.toString());
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("t.s:53:1: more than 1,000,000 lines or 67,108,864"
                + " characters of source to assemble in all").endsWith("(in macro m0 called at t.s:105)");
    }

    @Test
    void aMacroWhoseArgumentsDoubleAtEveryCallRunsIntoTheExpansionLimit() {
        List<String> errors = bounded(".macro m x\n m \\x\\x\n.endm\nm a");
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("t.s:2:2: the expansion of macro m would be longer than "
                + Macro.MAX_EXPANSION + " characters");
    }

    @Test
    void aLongArgumentInAManyLineMacroRunsIntoTheExpansionLimit() {
        String body = " .word \\x\n".repeat(1000);
        List<String> errors = bounded(".macro m x\n" + body + ".endm\nm " + "1+".repeat(50_000) + "1");
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("t.s:" + 1003 + ":1: the expansion of macro m would be longer");
    }

    // --- includes ------------------------------------------------------------------------------

    @Test
    void aFileThatIncludesItselfIsACycle() {
        assertThat(bounded(Map.of("a.s", "nop\n.include \"a.s\""), "a.s"))
                .containsExactly("a.s:2:10: include cycle: a.s -> a.s");
        assertThat(bounded(Map.of("d/a.s", ".include \"../d/./a.s\""), "d/a.s"))
                .containsExactly("d/a.s:1:10: include cycle: d/a.s -> d/a.s");
    }

    @Test
    void includesNestAtMostSoDeep() {
        Map<String, String> files = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            files.put("f" + i + ".s", ".include \"f" + (i + 1) + ".s\"");
        }
        files.put("f100.s", "nop");
        assertThat(bounded(files, "f0.s")).containsExactly("f" + Assembly.MAX_INCLUDE_DEPTH
                + ".s:1:10: includes nested more than " + Assembly.MAX_INCLUDE_DEPTH + " deep");
    }

    @Test
    void includesThatDoubleAtEveryLevelRunOutOfBudget() {
        Map<String, String> files = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            files.put("f" + i + ".s", ".include \"f" + (i + 1) + ".s\"\n.include \"f" + (i + 1) + ".s\"");
        }
        files.put("f30.s", "nop ; " + "-".repeat(1000));
        List<String> errors = bounded(files, "f0.s");
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("f30.s:1:1: more than 1,000,000 lines or 67,108,864 characters");
    }

    @Test
    void theFileSystemLoaderReadsOnlyRegularFiles(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("latin1.inc"), new byte[] {'n', 'o', 'p', (byte) 0xE9});
        Files.writeString(dir.resolve("main.s"), """
                .include "sub"
                .include "/dev/zero"
                .include "a\0b"
                .include "latin1.inc"
                """);
        Assembler assembler = new Assembler(SourceLoader.fileSystem());
        String main = dir.resolve("main.s").toString();
        AssemblyException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> org.junit.jupiter.api.Assertions.assertThrows(AssemblyException.class,
                        () -> assembler.assemble(main)));
        assertThat(e.errors()).extracting(AsmError::toString).containsExactly(
                main + ":1:10: cannot read include file \"sub\": not a regular file",
                main + ":2:10: cannot read include file \"/dev/zero\": not a regular file",
                main + ":3:10: cannot find include file \"a\0b\"",
                main + ":4:10: cannot read include file \"latin1.inc\": not UTF-8 text");
    }

    @Test
    void aLoaderThatThrowsIsReportedAtTheIncludeLine() {
        SourceLoader failing = new SourceLoader() {
            @Override
            public String load(String name) throws java.io.IOException {
                if (name.equals("main.s")) {
                    return "nop\n.include \"x.inc\"\nnop";
                }
                throw new IllegalStateException("the disk is on fire");
            }
        };
        AssemblyException e = org.junit.jupiter.api.Assertions.assertThrows(AssemblyException.class,
                () -> new Assembler(failing).assemble("main.s"));
        assertThat(e.errors()).extracting(AsmError::toString).containsExactly(
                "main.s:2:1: internal error of the assembler (IllegalStateException: the disk is on fire)"
                        + " while assembling this line; please report it with the source");
    }

    // --- sizes and addresses -------------------------------------------------------------------

    @Test
    void hugeSpaceIsAnError() {
        assertThat(errors(".space 0x7fffffff")).containsExactly(
                "t.s:1:1: segment text would grow beyond 64 MiB");
        assertThat(errors(".space -1")).containsExactly("t.s:1:8: .space size -1 is negative");
        assertThat(errors(".align 0x40000000\n.byte 1\n.align 0x40000000")).containsExactly(
                "t.s:3:1: segment text would grow beyond 64 MiB");
    }

    @Test
    void orgFarAwayIsAnError() {
        assertThat(errors("nop\n.org 0xfffffff0")).containsExactly(
                "t.s:2:1: segment text would grow beyond 64 MiB");
        assertThat(errors(".org 0xfffffffc\nnop\nnop")).containsExactly(
                "t.s:3:1: segment text runs past the end of memory (0xffffffff)");
    }

    @Test
    void manySegmentsTogetherMayNotExceedTheImageLimit() {
        StringBuilder source = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            source.append(".segment s").append(i).append(", ").append(i).append(" << 28\n.space 48 << 20\n");
        }
        List<String> errors = bounded(source.toString());
        assertThat(errors).containsExactly("t.s:4:1: the image would grow beyond 64 MiB in all");
    }

    @Test
    void manySegmentsAreCheckedForOverlapsQuickly() {
        StringBuilder source = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            source.append(".segment s").append(i).append(", ").append(i * 8).append("\n.word 1\n");
        }
        source.append(".segment last, 0x2000c\n.word 2, 3\n");
        assertThat(bounded(source.toString())).containsExactly(
                "t.s:100001:1: segment last (0x0002000c..0x00020013) overlaps segment s16386 (0x00020010..0x00020013)");
    }

    // --- conditionals --------------------------------------------------------------------------

    @Test
    void deeplyNestedConditionalsAreFine() {
        String source = ".if 1\n".repeat(100_000) + "nop\n" + ".endif\n".repeat(100_000);
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> word(source)))
                .isEqualTo(word("nop"));
        assertThat(bounded(".if 1\n".repeat(100_000))).containsExactly("t.s:1:1: .if has no .endif");
    }

    // --- the command line ----------------------------------------------------------------------

    @Test
    void aDefineMustBeAName() {
        AssemblyException e = org.junit.jupiter.api.Assertions.assertThrows(AssemblyException.class,
                () -> Assembler.assembleSource("t.s", "nop", Map.of("1x", 1)));
        assertThat(e.errors()).extracting(AsmError::toString).containsExactly(
                "t.s:1:1: bad define: '1x' is not a symbol name");
    }
}
