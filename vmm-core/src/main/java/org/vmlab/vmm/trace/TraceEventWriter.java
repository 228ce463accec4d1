package org.vmlab.vmm.trace;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Map;

/**
 * Streams a trace file in the JSON Object Format of the Trace Event Format (Google, "Trace Event
 * Format"):
 *
 * <pre>
 * {"traceEvents":[
 * {"ph":"X", ...},
 * {"ph":"i", ...}
 * ],"displayTimeUnit":"ns","otherData":{...}}
 * </pre>
 *
 * <p>The opening is written at once and each event as soon as it is given, so memory stays flat
 * however long the run; {@link #finish} writes the rest. One event a line, so that a student can
 * {@code grep} the file as well as open it.
 *
 * <p>Write errors are thrown as {@link UncheckedIOException}: the VMM's trace interface has no
 * checked exceptions, and a trace that silently stops would mislead.
 */
final class TraceEventWriter {
    private final JsonGenerator json;

    /** Starts the file on {@code json}: the object and its {@code traceEvents} array. */
    TraceEventWriter(JsonGenerator json) {
        this.json = json;
        json.setPrettyPrinter(new OneEventPerLine());
        io(() -> {
            json.writeStartObject();
            json.writeFieldName("traceEvents");
            json.writeStartArray();
        });
    }

    /** Writes {@code event} as the next element of {@code traceEvents}. */
    void write(TraceEvent event) {
        io(() -> {
            json.writeStartObject();
            json.writeStringField("ph", event.ph());
            json.writeStringField("name", event.name());
            if (event.cat() != null) {
                json.writeStringField("cat", event.cat());
            }
            json.writeNumberField("pid", event.pid());
            json.writeNumberField("tid", event.tid());
            json.writeNumberField("ts", event.ts());
            if (event.dur() != null) {
                json.writeNumberField("dur", event.dur());
            }
            if (event.s() != null) {
                json.writeStringField("s", event.s());
            }
            if (!event.args().isEmpty()) {
                json.writeFieldName("args");
                writeObject(event.args());
            }
            json.writeEndObject();
        });
    }

    /**
     * Ends {@code traceEvents}, adds {@code displayTimeUnit} and {@code otherData} (free-form
     * facts about the trace, which viewers show as its metadata), ends the object, and closes the
     * generator: it flushes, and closes the target only if the generator was made to own it.
     */
    void finish(String displayTimeUnit, Map<String, ?> otherData) {
        io(() -> {
            json.writeEndArray();
            json.writeStringField("displayTimeUnit", displayTimeUnit);
            json.writeFieldName("otherData");
            writeObject(otherData);
            json.writeEndObject();
            json.close();
        });
    }

    private void writeObject(Map<String, ?> fields) throws IOException {
        json.writeStartObject();
        for (Map.Entry<String, ?> field : fields.entrySet()) {
            json.writeFieldName(field.getKey());
            writeValue(field.getValue());
        }
        json.writeEndObject();
    }

    private void writeValue(Object value) throws IOException {
        if (value instanceof String s) {
            json.writeString(s);
        } else if (value instanceof Integer i) {
            json.writeNumber(i);
        } else if (value instanceof Long l) {
            json.writeNumber(l);
        } else if (value instanceof BigDecimal d) {
            json.writeNumber(d);
        } else {
            throw new IllegalArgumentException("a trace argument is a string or a number, not " + value);
        }
    }

    private interface JsonWrites {
        void run() throws IOException;
    }

    private static void io(JsonWrites writes) {
        try {
            writes.run();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the trace: " + e.getMessage(), e);
        }
    }

    /**
     * Compact JSON with a line break before each element of {@code traceEvents} (the only array
     * in the file) and before its closing bracket.
     */
    private static final class OneEventPerLine extends MinimalPrettyPrinter {
        private static final long serialVersionUID = 1L;

        @Override
        public void beforeArrayValues(JsonGenerator g) throws IOException {
            g.writeRaw('\n');
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(",\n");
        }

        @Override
        public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
            g.writeRaw("\n]");
        }
    }
}
