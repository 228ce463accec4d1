package org.vmlab.cli;

import java.util.Locale;
import java.util.stream.Collectors;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.isa.IsaVariant;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Turns command-line words into values, with messages that list what is accepted. */
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

    /** A count with an optional k, M or G suffix: 50M is 50 000 000. */
    static final class Count implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim().replace("_", "");
            long scale = 1;
            char last = v.isEmpty() ? ' ' : Character.toUpperCase(v.charAt(v.length() - 1));
            if (last == 'K' || last == 'M' || last == 'G') {
                scale = last == 'K' ? 1_000 : last == 'M' ? 1_000_000 : 1_000_000_000;
                v = v.substring(0, v.length() - 1);
            }
            try {
                long n = Math.multiplyExact(Long.parseLong(v), scale);
                if (n <= 0) {
                    throw new TypeConversionException("'" + value + "' must be positive");
                }
                return n;
            } catch (NumberFormatException | ArithmeticException e) {
                throw new TypeConversionException("'" + value + "' is not a count (like 50000000 or 50M)");
            }
        }
    }
}
