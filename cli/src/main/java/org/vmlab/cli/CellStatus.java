package org.vmlab.cli;

import com.fasterxml.jackson.annotation.JsonValue;

/** What became of the measurement in one cell of a table, as the JSON data names it. */
enum CellStatus {
    /** Measured: the figures are there. */
    MEASURED("measured"),
    /** The lab code it needs is a stub still ("not written (lab2)" in the table). */
    NOT_WRITTEN("not written"),
    /** The implementation has no such technique. */
    NOT_AVAILABLE("not available"),
    /** The run failed or crashed; the detail says how. */
    FAILED("failed");

    private final String label;

    CellStatus(String label) {
        this.label = label;
    }

    @JsonValue
    String label() {
        return label;
    }
}
