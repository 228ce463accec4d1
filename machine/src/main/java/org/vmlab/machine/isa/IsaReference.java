package org.vmlab.machine.isa;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes the instruction reference of {@code docs/isa.md} from the instruction table, so that the
 * documentation cannot disagree with the machine.
 *
 * <p>The generated text sits between {@link #BEGIN} and {@link #END} markers in the hand-written
 * page; a test fails when it is out of date, and {@code main} rewrites it.
 */
public final class IsaReference {
    public static final String BEGIN = "<!-- BEGIN GENERATED: instruction table (IsaReference) -->";
    public static final String END = "<!-- END GENERATED -->";

    private static final List<IsaVariant> VARIANTS = List.of(IsaVariant.CLASSIC, IsaVariant.LEGACY);

    private IsaReference() {
    }

    /** The generated section, markers included. */
    public static String generated() {
        StringBuilder sb = new StringBuilder();
        sb.append(BEGIN).append("\n\n");
        sb.append("| instruction | opcode | cycles | semantics (ring 0) | sensitivity | ")
                .append(VARIANTS.stream().map(IsaVariant::name).collect(Collectors.joining(" | ")))
                .append(" |\n");
        sb.append("|---|---|---|---|---|").append("---|".repeat(VARIANTS.size())).append('\n');
        for (Opcode op : Opcode.values()) {
            String syntax = op.format().syntax().isEmpty()
                    ? op.mnemonic() : op.mnemonic() + " " + op.format().syntax();
            sb.append("| `").append(syntax).append("` | ")
                    .append(String.format("0x%02X", op.code())).append(" | ")
                    .append(op.cycles()).append(" | ")
                    .append(op.semantics().replace("|", "\\|")).append(" | ")
                    .append(op.requiresVt() ? "vt only"
                            : op.sensitivity().name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
                    .append(VARIANTS.stream().map(v -> op.requiresVt() ? "#UD without vt" : v.classify(op).toString())
                            .collect(Collectors.joining(" | ")))
                    .append(" |\n");
        }
        sb.append("\nUnprivileged forms (what these do outside ring 0 on a variant that does not trap them):\n\n");
        for (Opcode op : Opcode.values()) {
            op.unprivilegedSemantics().ifPresent(text ->
                    sb.append("- `").append(op.mnemonic()).append("`: ").append(text).append('\n'));
        }
        sb.append("\n").append(END);
        return sb.toString();
    }

    /** {@code page} with its generated section replaced by the current one. */
    public static String update(String page) {
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the page has no generated section between "
                    + BEGIN + " and " + END);
        }
        return page.substring(0, begin) + generated() + page.substring(end + END.length());
    }

    /** Rewrites the generated section of the file given as the first argument (docs/isa.md). */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "docs/isa.md");
        String page = Files.readString(file, StandardCharsets.UTF_8);
        Files.writeString(file, update(page), StandardCharsets.UTF_8);
    }
}
