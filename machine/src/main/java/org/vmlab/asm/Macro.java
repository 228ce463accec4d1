package org.vmlab.asm;

import java.util.ArrayList;
import java.util.List;

/**
 * A macro: a named block of lines that a call replaces, with {@code \param} replaced by the
 * call's arguments and {@code \@} by a number unique to the expansion (for local labels such as
 * {@code loop\@}).
 */
record Macro(String name, List<String> params, List<SourceLine> body, SourceLine definedAt) {

    /** The body for one call, with parameters and {@code \@} substituted. */
    List<SourceLine> expand(List<String> args, int expansion, SourceLine call) {
        String origin = " (in macro " + name + " called at " + call.location() + ")";
        List<SourceLine> lines = new ArrayList<>();
        for (SourceLine line : body) {
            lines.add(new SourceLine(line.file(), line.number(),
                    substitute(line.text(), args, expansion), origin));
        }
        return lines;
    }

    /**
     * Replaces {@code \@} and each {@code \name} whose name is a parameter. Any other backslash
     * is left alone, so string escapes such as {@code \n} survive unless a parameter is named
     * {@code n}.
     */
    private String substitute(String text, List<String> args, int expansion) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
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
        return out.toString();
    }
}
