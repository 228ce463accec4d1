package org.vmlab.labs.lab7;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Lab code as students write it, using the language freely: lambdas, method references, string
 * concatenation, records, enums, switches, streams, printing. The submission policy finds
 * nothing in it.
 */
public final class CleanLabCode {

    enum Ring { KERNEL, USER }

    record Exit(String reason, int pc) {
    }

    private final List<Exit> exits = new ArrayList<>();

    /** Uses what the policy must allow. */
    public String describe(Object trap, String ring) {
        Function<Exit, String> show = e -> e.reason() + "@" + Integer.toHexString(e.pc());
        exits.add(new Exit("hlt", 0x40));
        Ring r = Ring.valueOf(ring);
        String kind = switch (ring) {
            case "KERNEL" -> "k";
            default -> "u";
        };
        if (trap instanceof Exit e && e.pc() > 0) {
            System.out.println("exit " + e + " in " + r + kind);
        }
        Map<String, Long> counts = exits.stream()
                .collect(Collectors.groupingBy(Exit::reason, Collectors.counting()));
        StringBuilder out = new StringBuilder(getClass().getSimpleName());
        exits.stream().map(show).sorted().forEach(out::append);
        return out + counts.toString() + Math.max(1, 2);
    }
}
