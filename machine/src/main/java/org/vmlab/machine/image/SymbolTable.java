package org.vmlab.machine.image;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The labels of a program and their addresses, so that traces, errors and listings can name code
 * ("in {@code schedule+0x1c}") instead of printing bare numbers.
 *
 * <p>Immutable. Iteration yields the symbols in ascending (unsigned) address order, and by name
 * among symbols at the same address.
 */
public final class SymbolTable implements Iterable<SymbolTable.Symbol> {

    /** One label and its address. */
    public record Symbol(String name, int address) {
    }

    private static final Comparator<Symbol> ORDER = Comparator
            .comparingLong((Symbol s) -> Integer.toUnsignedLong(s.address()))
            .thenComparing(Symbol::name);

    private static final SymbolTable EMPTY = new SymbolTable(Map.of());

    private final Map<String, Integer> byName;
    private final List<Symbol> byAddress;

    /** A table holding exactly these names and addresses. */
    public SymbolTable(Map<String, Integer> symbols) {
        this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(symbols));
        List<Symbol> sorted = new ArrayList<>();
        symbols.forEach((name, address) -> sorted.add(new Symbol(name, address)));
        sorted.sort(ORDER);
        this.byAddress = List.copyOf(sorted);
    }

    /** The table with no symbols. */
    public static SymbolTable empty() {
        return EMPTY;
    }

    /** The address of {@code name}, if the table holds it. */
    public Optional<Integer> address(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The number of symbols. */
    public int size() {
        return byAddress.size();
    }

    /** The symbols in address order. */
    public List<Symbol> symbols() {
        return byAddress;
    }

    /** The names of the symbols at exactly {@code address}, in name order. */
    public List<String> namesAt(int address) {
        return byAddress.stream().filter(s -> s.address() == address).map(Symbol::name).toList();
    }

    /**
     * Names an address for a human: {@code "loop"} if a symbol sits exactly there,
     * {@code "loop+0x1c"} after the nearest preceding symbol, or {@code "0x00401a2c"} if no symbol
     * precedes it. The result is also a valid assembler expression.
     */
    public String describe(int address) {
        Symbol nearest = nearestAtOrBefore(address);
        if (nearest == null) {
            return String.format("0x%08x", address);
        }
        int offset = address - nearest.address();
        return offset == 0 ? nearest.name() : nearest.name() + "+0x" + Integer.toHexString(offset);
    }

    /**
     * The first-named symbol at the highest address at or below {@code address}, or null.
     */
    private Symbol nearestAtOrBefore(int address) {
        long target = Integer.toUnsignedLong(address);
        int lo = 0;
        int hi = byAddress.size() - 1;
        int found = -1;
        while (lo <= hi) {            // binary search for the last symbol not above the target
            int mid = (lo + hi) >>> 1;
            if (Integer.toUnsignedLong(byAddress.get(mid).address()) <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0) {
            return null;
        }
        // several symbols may share the address: step back to the first one by name
        int at = byAddress.get(found).address();
        while (found > 0 && byAddress.get(found - 1).address() == at) {
            found--;
        }
        return byAddress.get(found);
    }

    @Override
    public Iterator<Symbol> iterator() {
        return byAddress.iterator();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SymbolTable t && t.byAddress.equals(byAddress);
    }

    @Override
    public int hashCode() {
        return byAddress.hashCode();
    }

    @Override
    public String toString() {
        return "SymbolTable" + byAddress;
    }
}
