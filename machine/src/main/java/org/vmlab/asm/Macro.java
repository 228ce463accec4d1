package org.vmlab.asm;

import java.util.ArrayList;
import java.util.List;

/**
 * A macro: a named block of lines that a call replaces, with {@code \param} replaced by the
 * call's arguments and {@code \@} by a number unique to the expansion (for local labels such as
 * {@code loop\@}).
 */
record Macro(String name, List<String> params, List<SourceLine> body, SourceLine definedAt) {

    /**
     * The most characters one expansion may hold, all its lines together: a macro whose calls
     * double their arguments, or a huge argument in a long body, is an error, not the end of the
     * JVM's memory.
     */
    static final int MAX_EXPANSION = 1 << 20;

    /**
     * The body for one call, with parameters and {@code \@} substituted.
     *
     * @param column the column of the call, blamed if the expansion is too long
     */
    List<SourceLine> expand(List<String> args, int expansion, SourceLine call, int column) {
        String origin = " (in macro " + Names.shorten(name) + " called at " + call.location() + ")";
        List<SourceLine> lines = new ArrayList<>();
        long size = 0;
        for (SourceLine line : body) {
            String text = substitute(line.text(), args, expansion, MAX_EXPANSION - size);
            if (text == null) {
                throw new AsmFailure(column, "the expansion of macro " + Names.shorten(name)
                        + " would be longer than " + MAX_EXPANSION + " characters");
            }
            size += text.length() + 1;
            lines.add(new SourceLine(line.file(), line.number(), text, origin));
        }
        return lines;
    }

    /**
     * Replaces {@code \@} and each {@code \name} whose name is a parameter. Any other backslash
     * is left alone, so string escapes such as {@code \n} survive unless a parameter is named
     * {@code n}. Null if the result would be longer than {@code room}.
     */
    private String substitute(String text, List<String> args, int expansion, long room) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (out.length() > room) {
                return null;
            }
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                if (text.charAt(i + 1) == '@') {
                    out.append(expansion);
                    i += 2;
                    continue;
                }
                int end = i + 1;
                while (end < text.length() && Lexer.isIdentPart(text.charAt(end))
                        && text.charAt(end) != '.') {
                    end++;
                }
                int p = params.indexOf(text.substring(i + 1, end));
                if (p >= 0) {
                    out.append(args.get(p));
                    i = end;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.length() > room ? null : out.toString();
    }
}
