package org.vmlab.vmm.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.StreamSupport;

/** A written trace, parsed by Jackson (so: valid JSON), with the queries the tests ask of it. */
record TraceJson(JsonNode root) {

    static TraceJson parse(String json) {
        try {
            return new TraceJson(new ObjectMapper().readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException("the trace is not valid JSON:\n" + json, e);
        }
    }

    List<JsonNode> events() {
        return StreamSupport.stream(root.get("traceEvents").spliterator(), false).toList();
    }

    /** The events of phase {@code ph} ({@code "X"}, {@code "i"}, {@code "C"}, {@code "M"}). */
    List<JsonNode> phase(String ph) {
        return events().stream().filter(e -> e.get("ph").asText().equals(ph)).toList();
    }

    /** The timeline events (all but metadata) of thread {@code tid} of process {@code pid}. */
    List<JsonNode> track(int pid, int tid) {
        return events().stream()
                .filter(e -> !e.get("ph").asText().equals("M"))
                .filter(e -> e.get("pid").asInt() == pid && e.get("tid").asInt() == tid)
                .toList();
    }

    /** The name that metadata {@code metadataName} gives to {@code pid} (and {@code tid}). */
    String metadataName(String metadataName, int pid, int tid) {
        return phase("M").stream()
                .filter(e -> e.get("name").asText().equals(metadataName))
                .filter(e -> e.get("pid").asInt() == pid && e.get("tid").asInt() == tid)
                .map(e -> e.get("args").get("name").asText())
                .findFirst().orElseThrow(() -> new AssertionError(
                        "no " + metadataName + " for pid " + pid + " tid " + tid + " in " + root));
    }

    JsonNode otherData() {
        return root.get("otherData");
    }
}
