package org.vmlab.cli;

import java.util.Locale;
import java.util.stream.Collectors;
import org.vmlab.asm.Literals;
import org.vmlab.guests.Lmbench;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.isa.IsaVariant;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Turns command-line words into values, with messages that list what is accepted. Every number
 * an option takes has a range that makes sense for the simulated machine (see {@link Range});
 * a value outside it is refused as the command line is read, before anything runs.
 */
final class Converters {
    private Converters() {
    }

    static final class Isa implements ITypeConverter<IsaVariant> {
        @Override
        public IsaVariant convert(String value) {
            return IsaVariant.named(value).orElseThrow(() -> new TypeConversionException(
                    "unknown ISA variant '" + value + "' (expected one of: "
                            + IsaVariant.builtIn().stream().map(IsaVariant::name).sorted()
                            .collect(Collectors.joining(", ")) + ")"));
        }
    }

    static final class EngineName implements ITypeConverter<org.vmlab.machine.Engine> {
        @Override
        public org.vmlab.machine.Engine convert(String value) {
            try {
                return org.vmlab.machine.Engine.named(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("unknown engine '" + value + "' (expected interpreter or compiled)");
            }
        }
    }

    static final class Flavor implements ITypeConverter<Toyos.Flavor> {
        @Override
        public Toyos.Flavor convert(String value) {
            try {
                return Toyos.Flavor.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("unknown flavor '" + value
                        + "' (expected native or paravirt)");
            }
        }
    }

    /**
     * A whole number in {@code min..max} ({@code unit} names what it counts, for the message):
     * "'0' is out of range: 1..1024 MiB", "'lots' is not a whole number (1..1024 MiB)".
     */
    abstract static class Range implements ITypeConverter<Integer> {
        private final int min;
        private final int max;
        private final String unit;

        Range(int min, int max, String unit) {
            this.min = min;
            this.max = max;
            this.unit = unit;
        }

        @Override
        public Integer convert(String value) {
            long n;
            try {
                n = Long.parseLong(value.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a whole number (" + range() + ")");
            }
            if (n < min || n > max) {
                throw new TypeConversionException("'" + value + "' is out of range: " + range());
            }
            return (int) n;
        }

        String range() {
            return min + ".." + max + (unit.isEmpty() ? "" : " " + unit);
        }
    }

    /** {@code --memory}: the bare machine's RAM, 1 MiB to 1 GiB. */
    static final class MemoryMib extends Range {
        MemoryMib() {
            super(1, 1024, "MiB");
        }
    }

    /**
     * {@code --tlb}: a power of two up to 2^20, one entry for each 4 KiB page of the 32-bit address
     * space; a bigger direct-mapped TLB could hold nothing more.
     */
    static final class TlbEntries extends Range {
        static final int MAX = 1 << 20;

        TlbEntries() {
            super(1, MAX, "entries");
        }

        @Override
        public Integer convert(String value) {
            int n = super.convert(value);
            if (Integer.bitCount(n) != 1) {
                throw new TypeConversionException("'" + value + "' is not a power of two (1, 2, 4, ..., " + MAX + ")");
            }
            return n;
        }
    }

    /** {@code --vms}: VMs side by side, 1..8 (each takes 16 MiB of the machine's memory). */
    static final class Vms extends Range {
        Vms() {
            super(1, 8, "");
        }
    }

    /** {@code --iterations} of a nanobenchmark's loop. */
    static final class Iterations extends Range {
        Iterations() {
            super(1, 100_000, "");
        }
    }

    /**
     * {@code --iterations} of an lmbench program's loop: a measurement runs 2N, and {@code
     * lat_pagefault} takes a frame per iteration ({@link Lmbench#MAX_ITERATIONS}).
     */
    static final class LmbenchIterations extends Range {
        LmbenchIterations() {
            super(1, Lmbench.MAX_ITERATIONS / 2, "");
        }
    }

    /** {@code --scan-rate}: pages the page-sharing scanner hashes after a slice (a page is 4 KiB read). */
    static final class ScanRate extends Range {
        ScanRate() {
            super(1, 1024, "");
        }
    }

    /** {@code --machine-frames}: the host's RAM in 4 KiB frames, 64 (256 KiB) to 65536 (256 MiB). */
    static final class MachineFrames extends Range {
        MachineFrames() {
            super(64, 65536, "frames");
        }
    }

    /** {@code --idle-tax}: the idle memory tax rate, 0 to 0.99 (ESX's default is 0.75). */
    static final class TaxRate implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double rate;
            try {
                rate = Double.parseDouble(value.trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a number (0..0.99)");
            }
            if (!(rate >= 0 && rate <= 0.99)) {
                throw new TypeConversionException("'" + value + "' is out of range: 0..0.99");
            }
            return rate;
        }
    }

    /** {@code --heap} of the graded tests' JVM: enough for a graded test, and no more than a laptop has. */
    static final class HeapMb extends Range {
        HeapMb() {
            super(64, 8192, "MB");
        }
    }

    /** {@code --timeout} of one graded test, up to an hour. */
    static final class TimeoutSeconds extends Range {
        TimeoutSeconds() {
            super(1, 3600, "seconds");
        }
    }

    /** A count with an optional k, M or G suffix: 50M is 50 000 000. */
    static class Count implements ITypeConverter<Long> {
        private final long max;

        Count() {
            this(Long.MAX_VALUE);
        }

        Count(long max) {
            this.max = max;
        }

        @Override
        public Long convert(String value) {
            String v = value.trim().replace("_", "");
            long scale = 1;
            char last = v.isEmpty() ? ' ' : Character.toUpperCase(v.charAt(v.length() - 1));
            if (last == 'K' || last == 'M' || last == 'G') {
                scale = last == 'K' ? 1_000 : last == 'M' ? 1_000_000 : 1_000_000_000;
                v = v.substring(0, v.length() - 1);
            }
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a count (like 50000000 or 50M)");
            }
            if (n <= 0 || n > max / scale) {
                throw new TypeConversionException(max == Long.MAX_VALUE ? "'" + value + "' must be positive"
                        : "'" + value + "' is out of range: 1.." + count(max));
            }
            return n * scale;
        }

        private static String count(long n) {
            return n % 1_000_000_000 == 0 ? n / 1_000_000_000 + "G" : n % 1_000_000 == 0 ? n / 1_000_000 + "M"
                    : n % 1_000 == 0 ? n / 1_000 + "k" : Long.toString(n);
        }
    }

    /**
     * {@code --fuel}: at most 10G instructions, a minute or so of simulation (the machine runs some
     * 100 to 200 million a second, billions in a hot loop compiled); the fuel is what guarantees
     * that every run ends.
     */
    static final class Fuel extends Count {
        static final long MAX = 10_000_000_000L;

        Fuel() {
            super(MAX);
        }
    }

    /**
     * The NAME of {@code -D NAME=VALUE}: a symbol name as the assembler reads one (letters, digits,
     * {@code _ . $}, not starting with a digit), and no register name ({@code r1}, {@code sp},
     * {@code cr3}).
     */
    static final class SymbolName implements ITypeConverter<String> {
        @Override
        public String convert(String name) {
            if (name.isEmpty()) {
                throw new TypeConversionException("a define needs a name: NAME=VALUE, as in -D DEBUG=1");
            }
            if (!isSymbolStart(name.charAt(0)) || name.equals(".")
                    || !name.chars().allMatch(c -> isSymbolStart((char) c) || Character.isDigit(c))) {
                throw new TypeConversionException("'" + name + "' is not a symbol name (letters, digits, _ . $,"
                        + " not starting with a digit)");
            }
            if (isRegister(name.toLowerCase(Locale.ROOT))) {
                throw new TypeConversionException("'" + name + "' is a register name and cannot be a symbol");
            }
            return name;
        }

        private static boolean isSymbolStart(char c) {
            return Character.isLetter(c) || c == '_' || c == '.' || c == '$';
        }

        /** {@code sp}, {@code r0}..{@code r15}, {@code cr0}..{@code cr99}, as the assembler reserves them. */
        private static boolean isRegister(String n) {
            return n.equals("sp") || n.matches("r([0-9]|1[0-5])") || n.matches("cr([0-9]|[1-9][0-9])");
        }
    }

    /**
     * The VALUE of {@code -D NAME=VALUE}: a number as the assembler writes one: decimal {@code 42},
     * hex {@code 0x2a}, binary {@code 0b101010}, with {@code _} between digits ({@code 0xF000_0000})
     * and an optional sign, or a character {@code 'a'}; 32 bits, as {@code -1} or {@code 0xffffffff}.
     */
    static final class AsmNumber implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return Literals.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage().contains("does not fit in 32 bits")
                        ? "'" + value + "' does not fit in 32 bits (-2147483648..0xffffffff)"
                        : "'" + value + "' is not a number (like 16, 0x10, 0b10000, -1 or 'A')");
            }
        }
    }
}
