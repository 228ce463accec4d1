package org.vmlab.guests;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Looking up an entry of a catalog of guests (benchmarks, attacks) by its printed name. */
final class Catalog {
    private Catalog() {
    }

    /**
     * The entry of {@code entries} whose {@code idOf} is {@code id}, ignoring case.
     *
     * @throws IllegalArgumentException naming every known id, if there is none
     */
    static <E> E named(List<E> entries, Function<E, String> idOf, String id, String what) {
        String wanted = id.toLowerCase(Locale.ROOT);
        return entries.stream()
                .filter(e -> idOf.apply(e).equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no such " + what + ": " + id
                        + " (known: " + String.join(", ", entries.stream().map(idOf).toList()) + ")"));
    }
}
