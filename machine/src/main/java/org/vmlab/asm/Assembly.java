package org.vmlab.asm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.image.Segment;
import org.vmlab.machine.image.SymbolTable;
import org.vmlab.machine.isa.Opcode;

/**
 * One run of the assembler over one program: the state of both passes.
 *
 * <p><b>Pass 1</b> reads the source line by line, expanding includes, macros and conditionals.
 * Every statement's size is known from its text alone (an instruction is one word, {@code li}
 * two, data directives as many as they list), so pass 1 can give every label its address. It
 * lays down what it already knows (strings, fill) and reserves space for the rest, recording a
 * {@link Fixup} for each word or byte whose value depends on symbols.
 *
 * <p><b>Pass 2</b> runs the fixups, now that every symbol is defined, and checks every value
 * against its field.
 *
 * <p>Every input ends, quickly, in an image or in errors: the limits below (and those of
 * {@link ExprParser}, {@link Macro} and {@link SegmentBuilder}) bound the work and the memory an
 * assembly may take, and each is reported at the line that exceeds it (docs/assembler.md lists
 * them).
 */
final class Assembly {
    /** Deep enough for any honest macro nest; shallow enough to stop a recursive macro fast. */
    static final int MAX_MACRO_DEPTH = 32;
    /** How deep {@code .include} may nest (a file that includes itself is a cycle, at once). */
    static final int MAX_INCLUDE_DEPTH = 32;
    /**
     * The most lines, and characters, one assembly reads in all, counting the lines of a macro
     * body again at every expansion and those of a file again at every include: macros or includes
     * that multiply at every level (each calling the next twice, thirty deep) stop here instead
     * of running for hours.
     */
    static final int MAX_LINES = 1_000_000;
    static final int MAX_SOURCE = 64 << 20;

    static final Set<String> DIRECTIVES = Set.of(".org", ".align", ".word", ".byte", ".ascii",
            ".asciz", ".space", ".equ", ".entry", ".segment", ".global", ".include", ".macro",
            ".endm", ".if", ".elif", ".else", ".endif", ".ifdef", ".ifndef", ".error");

    /** Pass 2 work for one statement: evaluate and write what pass 1 reserved. */
    private interface Fixup {
        void apply();
    }

    private record PendingFixup(SourceLine line, Fixup fixup) {
    }

    private final SourceLoader loader;
    private final ErrorLog errors = new ErrorLog();
    private final Symbols symbols = new Symbols();
    private final Map<String, Macro> macros = new HashMap<>();
    private final Map<String, SegmentBuilder> segments = new LinkedHashMap<>();
    private final List<PendingFixup> fixups = new ArrayList<>();
    private final Deque<String> includeStack = new ArrayDeque<>();
    private final Map<String, List<SourceLine>> files = new HashMap<>();
    private final SegmentBuilder.Total imageSize = new SegmentBuilder.Total();
    private SegmentBuilder segment;
    private int segmentsStarted;
    private int expansions;
    private int macroDepth;
    private long linesRead;
    private long charactersRead;
    private Expr entry;
    private SourceLine entryLine;
    /** The line being assembled (pass 1) or finished (pass 2), for an internal error. */
    private SourceLine current;

    Assembly(SourceLoader loader) {
        this.loader = loader;
        this.segment = new SegmentBuilder("text", 0, null, segmentsStarted++, imageSize);
        segments.put(segment.name, segment);
    }

    Image run(String fileName, Map<String, Integer> defines) throws AssemblyException {
        try {
            SourceLine commandLine = new SourceLine("<command line>", 0, "", "");
            defines.forEach((name, value) -> {
                try {
                    if (!isName(name) || value == null) {
                        throw new AsmFailure(1, name == null || !isName(name)
                                ? "'" + Names.shorten(String.valueOf(name)) + "' is not a symbol name"
                                : "'" + Names.shorten(name) + "' has no value");
                    }
                    symbols.defineConstant(name, new Expr.Number(value, 1), 0, commandLine, 1);
                } catch (AsmFailure e) {
                    errors.add(new AsmError(fileName, 1, 1, "bad define: " + e.getMessage()));
                }
            });
            String text;
            try {
                text = loader.load(fileName);
            } catch (IOException e) {
                errors.add(new AsmError(fileName, 1, 1, "cannot read source file: " + describe(e)));
                throw new AssemblyException(errors.list());
            }
            includeStack.push(fileName);
            processLines(lines(fileName, text));
            includeStack.pop();
            current = null;
            checkSegments();
            for (PendingFixup f : fixups) {
                current = f.line();
                try {
                    f.fixup().apply();
                } catch (AsmFailure e) {
                    errors.add(f.line(), e);
                }
            }
            current = entryLine;
            int entryPoint = entryPoint();
            current = null;
            if (!errors.isEmpty()) {
                throw new AssemblyException(errors.list());
            }
            List<Segment> built = new ArrayList<>();
            for (SegmentBuilder b : segments.values()) {
                if (b.size() > 0) {
                    built.add(b.build());
                }
            }
            return new Image(entryPoint, built, new SymbolTable(symbols.labels()));
        } catch (ErrorLog.Abandon e) {
            throw new AssemblyException(errors.list());
        }
    }

    /** True if {@code name} reads as one symbol name (for the defines, which skip the lexer). */
    private static boolean isName(String name) {
        if (name == null || name.isEmpty() || !Lexer.isIdentStart(name.charAt(0))
                || name.equals(".")) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            if (!Lexer.isIdentPart(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The report of a failure of the assembler itself (an exception that no input should cause),
     * at the line it was assembling, with the errors found until then: the caller gets an
     * {@link AssemblyException} in any case, never the exception.
     */
    AssemblyException internalError(String fileName, Throwable t) {
        String what = t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + Names.shorten(t.getMessage()));
        String message = "internal error of the assembler (" + what + ") while assembling this"
                + " line; please report it with the source";
        AsmError error = current != null ? current.error(1, message)
                : new AsmError(fileName, 1, 1, message + " (after the last line)");
        List<AsmError> all = new ArrayList<>(errors.list());
        all.add(error);
        return new AssemblyException(all);
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.charset.CharacterCodingException) {
            return "not UTF-8 text";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : Names.shorten(e.getMessage());
    }

    /** The lines of {@code text}, split at {@code \n} or {@code \r\n}. */
    private static List<SourceLine> lines(String file, String text) {
        List<SourceLine> lines = new ArrayList<>();
        int start = 0;
        while (true) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? text.length() : newline;
            if (newline >= 0 && end > start && text.charAt(end - 1) == '\r') {
                end--;
            }
            lines.add(new SourceLine(file, lines.size() + 1, text.substring(start, end), ""));
            if (newline < 0) {
                return lines;
            }
            start = newline + 1;
        }
    }

    /** The lines of the file {@code name}: read and split once per assembly, however often included. */
    private List<SourceLine> read(String name) throws IOException {
        List<SourceLine> lines = files.get(name);
        if (lines == null) {
            lines = lines(name, loader.load(name));
            files.put(name, lines);
        }
        return lines;
    }

    // ---- pass 1: lines, conditionals and macro definitions -----------------------------------

    /**
     * Assembles a file's lines or a macro expansion. Conditionals must close within it, and a
     * macro definition must end in it.
     */
    private void processLines(List<SourceLine> lines) {
        Conditionals conditionals = new Conditionals();
        MacroCollector collecting = null;
        for (SourceLine line : lines) {
            current = line;
            count(line);
            if (collecting != null) {
                if (collecting.take(line)) {
                    Macro m = collecting.finish();
                    macros.put(m.name(), m);
                    collecting = null;
                }
                continue;
            }
            List<Token> tokens;
            try {
                tokens = Lexer.lex(line.text());
            } catch (AsmFailure e) {
                if (conditionals.active()) {
                    errors.add(line, e);
                }
                continue;
            }
            int first = afterLabels(tokens);
            String word = first < tokens.size() && tokens.get(first).isIdent()
                    ? tokens.get(first).text().toLowerCase(Locale.ROOT) : "";
            try {
                if (conditional(word, tokens, first, line, conditionals)) {
                    continue;
                }
                if (!conditionals.active()) {
                    continue;
                }
                if (word.equals(".macro")) {
                    defineLabels(tokens, first, line);
                    collecting = startMacro(tokens, first, line);
                    continue;
                }
                statement(tokens, first, line);
            } catch (AsmFailure e) {
                errors.add(line, e);
            }
        }
        if (collecting != null) {
            errors.add(collecting.line.error(collecting.column,
                    ".macro " + collecting.name + " has no .endm"));
        }
        if (conditionals.unclosed() != null) {
            errors.add(conditionals.unclosed().error(conditionals.unclosedColumn(),
                    ".if has no .endif"));
        }
    }

    /** Counts a line read against {@link #MAX_LINES} and {@link #MAX_SOURCE}. */
    private void count(SourceLine line) {
        linesRead++;
        charactersRead += line.text().length() + 1;
        if (linesRead > MAX_LINES || charactersRead > MAX_SOURCE) {
            errors.fatal(line.error(1, String.format("more than %,d lines or %,d characters of"
                    + " source to assemble in all, counting the lines of every macro expansion and"
                    + " include again: does a macro or an include multiply without end?",
                    MAX_LINES, MAX_SOURCE)));
        }
    }

    /** The index of the first token after the leading {@code name:} labels. */
    private static int afterLabels(List<Token> tokens) {
        int i = 0;
        while (i + 1 < tokens.size() && tokens.get(i).isIdent() && tokens.get(i + 1).is(":")) {
            i += 2;
        }
        return i;
    }

    /** Handles the conditional directives; false if {@code word} is not one. */
    private boolean conditional(String word, List<Token> tokens, int first, SourceLine line,
                                Conditionals conditionals) {
        int column = first < tokens.size() ? tokens.get(first).column() : 1;
        switch (word) {
            case ".if" -> conditionals.openIf(() -> condition(tokens, first, line, ".if"), line, column);
            case ".ifdef", ".ifndef" -> conditionals.openIf(() -> {
                String name = oneName(tokens, first, word);
                return symbols.isDefined(name) == word.equals(".ifdef");
            }, line, column);
            case ".elif" -> conditionals.elseIf(() -> condition(tokens, first, line, ".elif"), column);
            case ".else" -> {
                noOperands(tokens, first);
                conditionals.otherwise(column);
            }
            case ".endif" -> {
                noOperands(tokens, first);
                conditionals.close(column);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean condition(List<Token> tokens, int first, SourceLine line, String directive) {
        Expr e = expression(tokens, first + 1, tokens.get(first));
        return e.evaluate(symbols.scope(segment.location(), directive)) != 0;
    }

    private static void noOperands(List<Token> tokens, int first) {
        if (first + 1 < tokens.size()) {
            Token t = tokens.get(first + 1);
            throw new AsmFailure(t.column(), tokens.get(first).text() + " takes no operands");
        }
    }

    private static String oneName(List<Token> tokens, int first, String directive) {
        if (first + 2 != tokens.size() || !tokens.get(first + 1).isIdent()) {
            Token t = first + 1 < tokens.size() ? tokens.get(first + 1) : tokens.get(first);
            throw new AsmFailure(t.column(), directive + " takes one symbol name");
        }
        return tokens.get(first + 1).text();
    }

    /** Collects the body of a macro definition up to its matching {@code .endm}. */
    private static final class MacroCollector {
        final String name;
        final List<String> params;
        final SourceLine line;
        final int column;
        final List<SourceLine> body = new ArrayList<>();
        int depth;

        MacroCollector(String name, List<String> params, SourceLine line, int column) {
            this.name = name;
            this.params = params;
            this.line = line;
            this.column = column;
        }

        /** Adds a line; true when the line is the closing {@code .endm}. */
        boolean take(SourceLine l) {
            String word = statementWord(l.text());
            if (word.equals(".endm")) {
                if (depth == 0) {
                    return true;
                }
                depth--;
            } else if (word.equals(".macro")) {
                depth++;    // a definition inside the body: its .endm is not ours
            }
            body.add(l);
            return false;
        }

        Macro finish() {
            return new Macro(name, params, List.copyOf(body), line);
        }

        private static String statementWord(String text) {
            try {
                List<Token> tokens = Lexer.lex(text);
                int i = afterLabels(tokens);
                return i < tokens.size() ? tokens.get(i).text().toLowerCase(Locale.ROOT) : "";
            } catch (AsmFailure e) {
                return "";     // reported when the body is expanded
            }
        }
    }

    private MacroCollector startMacro(List<Token> tokens, int first, SourceLine line) {
        Token directive = tokens.get(first);
        if (first + 1 >= tokens.size() || !tokens.get(first + 1).isIdent()) {
            throw new AsmFailure(directive.column(), ".macro needs a name");
        }
        Token name = tokens.get(first + 1);
        if (name.text().startsWith(".") || Names.isReserved(name.text())
                || Names.opcode(name.text()).isPresent()
                || Names.PSEUDO.contains(name.text().toLowerCase(Locale.ROOT))) {
            throw new AsmFailure(name.column(), "'" + name.text()
                    + "' is a reserved word and cannot name a macro");
        }
        if (macros.containsKey(name.text())) {
            throw new AsmFailure(name.column(), "macro '" + name.text() + "' is already defined at "
                    + macros.get(name.text()).definedAt().location());
        }
        List<String> params = new ArrayList<>();
        for (OperandParser.Slice s : OperandParser.split(tokens, first + 2)) {
            if (s.to() - s.from() != 1 || !tokens.get(s.from()).isIdent()) {
                int column = s.from() < tokens.size() ? tokens.get(s.from()).column() : name.column();
                throw new AsmFailure(column, "a macro parameter must be a name");
            }
            params.add(tokens.get(s.from()).text());
        }
        return new MacroCollector(name.text(), params, line, directive.column());
    }

    // ---- pass 1: statements -------------------------------------------------------------------

    private void defineLabels(List<Token> tokens, int first, SourceLine line) {
        for (int i = 0; i < first; i += 2) {
            Token label = tokens.get(i);
            try {
                symbols.defineLabel(label.text(), segment.location(), line, label.column());
            } catch (AsmFailure e) {
                errors.add(line, e);
            }
        }
    }

    private void statement(List<Token> tokens, int first, SourceLine line) {
        defineLabels(tokens, first, line);
        if (first >= tokens.size()) {
            return;
        }
        Token head = tokens.get(first);
        if (head.isIdent() && first + 1 < tokens.size() && tokens.get(first + 1).is("=")) {
            Expr value = expression(tokens, first + 2, tokens.get(first + 1));
            symbols.defineConstant(head.text(), value, segment.location(), line, head.column());
            return;
        }
        if (!head.isIdent()) {
            throw new AsmFailure(head.column(), "expected a label, an instruction or a directive, "
                    + "found '" + head.text() + "'");
        }
        String word = head.text().toLowerCase(Locale.ROOT);
        if (word.startsWith(".")) {
            directive(word, tokens, first, line);
        } else if (macros.containsKey(head.text())) {
            callMacro(macros.get(head.text()), tokens, first, line);
        } else if (Names.PSEUDO.contains(word)) {
            loadImmediate(tokens, first, line);
        } else {
            Optional<Opcode> op = Names.opcode(word);
            if (op.isEmpty()) {
                List<String> candidates = new ArrayList<>(Names.PSEUDO);
                for (Opcode o : Opcode.values()) {
                    candidates.add(o.mnemonic());
                }
                String hint = Names.nearest(word, candidates).map(s -> " (did you mean '" + s + "'?)")
                        .orElse("");
                throw new AsmFailure(head.column(), "unknown mnemonic '" + head.text() + "'" + hint);
            }
            instruction(op.get(), tokens, first, line);
        }
    }

    /** Reserves one word for the instruction; pass 2 encodes it. */
    private void instruction(Opcode op, List<Token> tokens, int first, SourceLine line) {
        int pc = segment.location();
        SegmentBuilder seg = segment;
        int offset = seg.offset();
        seg.fill(4, 0, tokens.get(first).column());
        checkAligned(pc, tokens.get(first));
        List<Operand> operands = OperandParser.parse(op.format(), tokens, first + 1,
                tokens.get(first), line.text().length() + 1);
        fixups.add(new PendingFixup(line, () -> seg.putWord(offset,
                InstructionEncoder.encode(op, operands, pc, symbols.scope(pc, null)))));
    }

    private static void checkAligned(int pc, Token mnemonic) {
        if ((pc & 3) != 0) {
            throw new AsmFailure(mnemonic.column(), String.format(
                    "instruction at unaligned address 0x%08x (use .align 4 before it)", pc));
        }
    }

    /**
     * {@code li rd, value} and {@code la rd, address}: always {@code lui rd, hi16} then
     * {@code ori rd, rd, lo16}, two words whatever the value, so that pass 1 knows the size
     * without knowing the value.
     */
    private void loadImmediate(List<Token> tokens, int first, SourceLine line) {
        Token mnemonic = tokens.get(first);
        int pc = segment.location();
        SegmentBuilder seg = segment;
        int offset = seg.offset();
        seg.fill(8, 0, mnemonic.column());
        checkAligned(pc, mnemonic);
        List<OperandParser.Slice> slices = OperandParser.split(tokens, first + 1);
        if (slices.size() != 2) {
            int column = slices.size() > 2 ? OperandParser.column(tokens, slices.get(2)) : mnemonic.column();
            throw new AsmFailure(column, mnemonic.text() + " takes 2 operands (register, value), found "
                    + slices.size());
        }
        Operand.Register rd = (Operand.Register) OperandParser.parse(
                org.vmlab.machine.isa.Format.RD, tokens.subList(0, slices.get(0).to()),
                slices.get(0).from(), mnemonic, line.text().length() + 1).get(0);
        Expr value = expression(tokens.subList(0, slices.get(1).to()), slices.get(1).from(), mnemonic);
        fixups.add(new PendingFixup(line, () -> {
            int v = value.evaluate(symbols.scope(pc, null));
            int r = rd.number();
            seg.putWord(offset, new org.vmlab.machine.isa.Instruction(Opcode.LUI, r, 0, 0, v >>> 16).encode());
            seg.putWord(offset + 4, new org.vmlab.machine.isa.Instruction(Opcode.ORI, r, r, 0, v & 0xFFFF).encode());
        }));
    }

    private void callMacro(Macro macro, List<Token> tokens, int first, SourceLine line) {
        Token name = tokens.get(first);
        List<String> args = new ArrayList<>();
        for (OperandParser.Slice s : OperandParser.split(tokens, first + 1)) {
            args.add(s.from() == s.to() ? ""
                    : line.text().substring(tokens.get(s.from()).column() - 1, tokens.get(s.to() - 1).end()));
        }
        if (args.size() != macro.params().size()) {
            throw new AsmFailure(name.column(), "macro " + macro.name() + " takes "
                    + macro.params().size() + " argument" + (macro.params().size() == 1 ? "" : "s")
                    + ", found " + args.size());
        }
        if (macroDepth >= MAX_MACRO_DEPTH) {
            // fatal: a macro that calls itself twice would otherwise expand 2^32 times
            errors.fatal(line.error(name.column(), "macros nested more than " + MAX_MACRO_DEPTH
                    + " deep (does macro " + Names.shorten(macro.name()) + " call itself?)"));
        }
        List<SourceLine> body = macro.expand(args, expansions++, line, name.column());
        macroDepth++;
        try {
            processLines(body);
        } finally {
            macroDepth--;
        }
    }

    // ---- pass 1: directives -------------------------------------------------------------------

    private void directive(String word, List<Token> tokens, int first, SourceLine line) {
        Token d = tokens.get(first);
        int next = first + 1;
        switch (word) {
            case ".org" -> segment.org(early(tokens, next, d, ".org"), d.column());
            case ".align" -> {
                int n = early(tokens, next, d, ".align");
                if (n <= 0) {
                    throw new AsmFailure(tokens.get(next).column(), ".align needs a positive size, found " + n);
                }
                long location = Integer.toUnsignedLong(segment.location());
                segment.fill((n - location % n) % n, 0, d.column());
            }
            case ".space" -> space(tokens, next, d);
            case ".word" -> data(tokens, next, d, line, 4);
            case ".byte" -> data(tokens, next, d, line, 1);
            case ".ascii", ".asciz" -> strings(tokens, next, d, word.equals(".asciz"));
            case ".equ" -> {
                List<OperandParser.Slice> s = OperandParser.split(tokens, next);
                if (s.size() != 2 || s.get(0).to() - s.get(0).from() != 1
                        || !tokens.get(s.get(0).from()).isIdent()) {
                    throw new AsmFailure(d.column(), ".equ takes a name and a value: .equ NAME, expr");
                }
                Token name = tokens.get(s.get(0).from());
                Expr value = expression(tokens, s.get(1).from(), tokens.get(s.get(1).from() - 1));
                symbols.defineConstant(name.text(), value, segment.location(), line, name.column());
            }
            case ".entry" -> {
                if (entry != null) {
                    throw new AsmFailure(d.column(), "second .entry (the first is at "
                            + entryLine.location() + ")");
                }
                entry = expression(tokens, next, d);
                entryLine = line;
            }
            case ".segment" -> segmentDirective(tokens, next, d, line);
            case ".global" -> {
                // accepted for familiarity; every label is already in the symbol table
            }
            case ".include" -> include(tokens, next, d, line);
            case ".endm" -> throw new AsmFailure(d.column(), ".endm without .macro");
            case ".error" -> {
                String message = next < tokens.size() && tokens.get(next).kind() == Token.Kind.STRING
                        ? tokens.get(next).text() : ".error";
                throw new AsmFailure(d.column(), message);
            }
            default -> {
                String hint = Names.nearest(word, new TreeSet<>(DIRECTIVES))
                        .map(s -> " (did you mean '" + s + "'?)").orElse("");
                throw new AsmFailure(d.column(), "unknown directive '" + d.text() + "'" + hint);
            }
        }
    }

    /** An expression that must have its value in pass 1 (it decides sizes or addresses). */
    private int early(List<Token> tokens, int from, Token directive, String use) {
        return early(expression(tokens, from, directive), use);
    }

    private int early(Expr e, String use) {
        return e.evaluate(symbols.scope(segment.location(), use));
    }

    /** The whole rest of the line as one expression. */
    private static Expr expression(List<Token> tokens, int from, Token before) {
        return ExprParser.parse(tokens, from, tokens.size(), before.end() + 2);
    }

    private void space(List<Token> tokens, int next, Token d) {
        List<OperandParser.Slice> s = OperandParser.split(tokens, next);
        if (s.isEmpty() || s.size() > 2) {
            throw new AsmFailure(d.column(), ".space takes a size and an optional fill byte");
        }
        int size = early(ExprParser.parse(tokens, s.get(0).from(), s.get(0).to(), d.end() + 2), ".space");
        int fill = s.size() == 2
                ? early(ExprParser.parse(tokens, s.get(1).from(), s.get(1).to(), d.end() + 2), ".space")
                : 0;
        if (size < 0) {
            throw new AsmFailure(tokens.get(next).column(), ".space size " + size + " is negative");
        }
        if (fill < -128 || fill > 255) {
            throw new AsmFailure(tokens.get(s.get(1).from()).column(),
                    "fill value " + fill + " does not fit in a byte (-128..255)");
        }
        segment.fill(size, fill, d.column());
    }

    /** {@code .word} and {@code .byte}: reserve now, evaluate in pass 2. */
    private void data(List<Token> tokens, int next, Token d, SourceLine line, int width) {
        List<OperandParser.Slice> slices = OperandParser.split(tokens, next);
        if (slices.isEmpty()) {
            throw new AsmFailure(d.column(), d.text() + " needs at least one value");
        }
        int here = segment.location();
        for (OperandParser.Slice s : slices) {
            Expr e = ExprParser.parse(tokens, s.from(), s.to(), d.end() + 2);
            SegmentBuilder seg = segment;
            int offset = seg.offset();
            seg.fill(width, 0, d.column());
            fixups.add(new PendingFixup(line, () -> {
                int v = e.evaluate(symbols.scope(here, null));
                if (width == 4) {
                    seg.putWord(offset, v);
                } else if (v < -128 || v > 255) {
                    throw new AsmFailure(e.column(), "value " + v + " does not fit in a byte (-128..255)");
                } else {
                    seg.putByte(offset, v);
                }
            }));
        }
    }

    private void strings(List<Token> tokens, int next, Token d, boolean zeroTerminated) {
        List<OperandParser.Slice> slices = OperandParser.split(tokens, next);
        if (slices.isEmpty()) {
            throw new AsmFailure(d.column(), d.text() + " needs a string");
        }
        for (OperandParser.Slice s : slices) {
            Token t = s.from() < tokens.size() ? tokens.get(s.from()) : d;
            if (s.to() - s.from() != 1 || t.kind() != Token.Kind.STRING) {
                throw new AsmFailure(t.column(), d.text() + " needs a string in double quotes");
            }
            for (char c : t.text().toCharArray()) {
                if (c > 0xFF) {
                    throw new AsmFailure(t.column(), "character '" + c + "' is not a single byte");
                }
            }
            segment.append(t.text().getBytes(StandardCharsets.ISO_8859_1), d.column());
            if (zeroTerminated) {
                segment.fill(1, 0, d.column());
            }
        }
    }

    /** {@code .segment name, addr} opens a new segment; {@code .segment name} resumes one. */
    private void segmentDirective(List<Token> tokens, int next, Token d, SourceLine line) {
        List<OperandParser.Slice> s = OperandParser.split(tokens, next);
        if (s.isEmpty() || s.size() > 2 || s.get(0).to() - s.get(0).from() != 1
                || !tokens.get(s.get(0).from()).isIdent()) {
            throw new AsmFailure(d.column(), ".segment takes a name and an address: .segment NAME, addr");
        }
        Token name = tokens.get(s.get(0).from());
        SegmentBuilder existing = segments.get(name.text());
        if (s.size() == 1) {
            if (existing == null) {
                throw new AsmFailure(name.column(), "unknown segment '" + name.text()
                        + "' (give its address to start it: .segment " + name.text() + ", addr)");
            }
            segment = existing;
            return;
        }
        int address = early(ExprParser.parse(tokens, s.get(1).from(), s.get(1).to(), d.end() + 2),
                ".segment");
        if (existing != null) {
            // the default segment may still be placed, as long as nothing has been put in it
            if (existing.definedAt == null && existing.size() == 0) {
                segments.remove(name.text());
            } else {
                throw new AsmFailure(name.column(), "segment '" + name.text() + "' already exists"
                        + " (write '.segment " + name.text() + "' to continue it)");
            }
        }
        segment = new SegmentBuilder(name.text(), address, line, segmentsStarted++, imageSize);
        segments.put(name.text(), segment);
    }

    private void include(List<Token> tokens, int next, Token d, SourceLine line) {
        if (next + 1 != tokens.size() || tokens.get(next).kind() != Token.Kind.STRING) {
            throw new AsmFailure(d.column(), ".include needs one file name in double quotes");
        }
        Token name = tokens.get(next);
        String file = loader.resolve(line.file(), name.text());
        if (includeStack.contains(file)) {
            List<String> chain = new ArrayList<>(includeStack);
            java.util.Collections.reverse(chain);
            chain.add(file);
            throw new AsmFailure(name.column(), "include cycle: " + String.join(" -> ", chain));
        }
        if (includeStack.size() > MAX_INCLUDE_DEPTH) {
            throw new AsmFailure(name.column(), "includes nested more than " + MAX_INCLUDE_DEPTH
                    + " deep");
        }
        List<SourceLine> text;
        try {
            text = read(file);
        } catch (NoSuchFileException e) {
            throw new AsmFailure(name.column(), "cannot find include file \"" + name.text() + "\"");
        } catch (IOException e) {
            throw new AsmFailure(name.column(), "cannot read include file \"" + name.text() + "\": "
                    + describe(e));
        }
        includeStack.push(file);
        try {
            processLines(text);
        } finally {
            includeStack.pop();
        }
    }

    // ---- between the passes -------------------------------------------------------------------

    /**
     * Segments may not share addresses: the later one is blamed, at its .segment line. By address,
     * each segment is compared only with the earlier ones that reach past its start (every one of
     * which it overlaps), so many segments cost no more than sorting them.
     */
    private void checkSegments() {
        List<SegmentBuilder> list = new ArrayList<>();
        for (SegmentBuilder b : segments.values()) {
            if (b.size() > 0) {
                list.add(b);
            }
        }
        list.sort(java.util.Comparator.comparingLong((SegmentBuilder b) -> Integer.toUnsignedLong(b.start()))
                .thenComparingInt(b -> b.index));
        List<SegmentBuilder> reaching = new ArrayList<>();
        for (SegmentBuilder b : list) {
            long start = Integer.toUnsignedLong(b.start());
            reaching.removeIf(a -> a.end() <= start);
            for (SegmentBuilder a : reaching) {
                SegmentBuilder earlier = a.index < b.index ? a : b;
                SegmentBuilder later = a.index < b.index ? b : a;
                errors.add(later.definedAt.error(1, String.format(
                        "segment %s (0x%08x..0x%08x) overlaps segment %s (0x%08x..0x%08x)",
                        Names.shorten(later.name), later.start(), later.end() - 1,
                        Names.shorten(earlier.name), earlier.start(), earlier.end() - 1)));
            }
            reaching.add(b);
        }
    }

    /** The {@code .entry} address, or the start of the first segment that holds anything. */
    private int entryPoint() {
        if (entry != null) {
            try {
                return entry.evaluate(symbols.scope(0, null));
            } catch (AsmFailure e) {
                errors.add(entryLine, e);
                return 0;
            }
        }
        return segments.values().stream().filter(s -> s.size() > 0).findFirst()
                .map(SegmentBuilder::start).orElse(0);
    }
}
