package org.vmlab.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What went wrong in the cells of a table ({@code demo}, {@code experiment nanobench}, {@code
 * experiment attacks}): each cell shows a short word, so that the columns stay straight, and
 * each distinct failure is told once, below the table, on standard error: a bug in lab code
 * located in the lab's classes as {@code vmlab run} tells it, with the cells it spoiled.
 *
 * <p>Cells may be measured in parallel: every method is synchronized.
 */
final class CellFailures {
    /** The cell of a run that lab code threw out of. */
    static final String LAB_BUG = "lab bug";
    /** The cell of a run that vmlab itself threw out of (an internal error). */
    static final String CRASHED = "crashed";
    /** The cell of a run that ended wrongly, without an exception (the guest did not power off). */
    static final String FAILED = "failed";

    /**
     * A cell that was not measured.
     *
     * @param status what became of it
     * @param text   the table's short text: {@code not written (lab2)}, {@value #LAB_BUG}, ...
     * @param error  for a failure, what happened, in one line (for the JSON data); else null
     */
    record Cell(CellStatus status, String text, String error) {
    }

    /** The report of each distinct failure, with the cells it spoiled, in the order first met. */
    private final Map<String, List<String>> labBugs = new LinkedHashMap<>();
    private final Map<String, List<String>> others = new LinkedHashMap<>();

    /**
     * The cell for {@code e}, thrown while measuring row {@code row} in column {@code column}: a
     * lab stub's {@code not written (labN)} (not a failure), or a lab bug or crash, kept for
     * {@link #report}.
     */
    synchronized Cell thrown(String column, String row, Throwable e) {
        String notWritten = LabCode.notWrittenCell(e);
        if (notWritten != null) {
            return new Cell(CellStatus.NOT_WRITTEN, notWritten, null);
        }
        String located = LabCode.labFailure(e);
        if (located != null) {
            labBugs.computeIfAbsent(located, k -> new ArrayList<>()).add(column + "\u0000" + row);
            return new Cell(CellStatus.FAILED, LAB_BUG, "your lab code threw " + LabCode.labFailureLine(e));
        }
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        others.computeIfAbsent("vmlab: internal error: " + trace.toString().stripTrailing(),
                k -> new ArrayList<>()).add(column + "\u0000" + row);
        return new Cell(CellStatus.FAILED, CRASHED, "internal error: " + e);
    }

    /** The cell of a run that ended wrongly ({@code why}, one line), kept for {@link #report}. */
    synchronized Cell failed(String column, String row, String why) {
        others.computeIfAbsent("vmlab: " + why, k -> new ArrayList<>()).add(column + "\u0000" + row);
        return new Cell(CellStatus.FAILED, FAILED, why);
    }

    /**
     * Keeps {@code why} (one line) for {@link #report}, about a cell that was measured but whose
     * VM the VMM stopped for an error of its own (its figures are there, its verdict says DIVERGED).
     */
    synchronized void note(String column, String row, String why) {
        others.computeIfAbsent("vmlab: " + why, k -> new ArrayList<>()).add(column + "\u0000" + row);
    }

    /** True if lab code threw in some cell. */
    synchronized boolean labBug() {
        return !labBugs.isEmpty();
    }

    /** True if some cell failed or crashed. */
    synchronized boolean any() {
        return !labBugs.isEmpty() || !others.isEmpty();
    }

    /**
     * Tells every failure on {@code err}, once each, with the cells it spoiled ("in:
     * trap-emulate/classic: all, compute, syscall and 6 more"); {@code out}, which holds the
     * table, is flushed first, so that on a terminal the failures come below it.
     */
    synchronized void report(PrintWriter out, PrintWriter err) {
        out.flush();
        List<Map.Entry<String, List<String>>> all = new ArrayList<>(labBugs.entrySet());
        all.addAll(others.entrySet());
        for (Map.Entry<String, List<String>> failure : all) {
            err.println(failure.getKey());
            err.println("  in: " + cells(failure.getValue()));
        }
        err.flush();
    }

    /**
     * The cells, grouped by column, each column's rows listed (the first three, then how many
     * more). Columns come in the order of their names: cells of one row are measured side by side,
     * so the order they failed in is no order at all.
     */
    private static String cells(List<String> cells) {
        Map<String, List<String>> byColumn = new java.util.TreeMap<>();
        for (String cell : cells) {
            String[] parts = cell.split("\u0000", 2);
            byColumn.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(parts[1]);
        }
        List<String> columns = new ArrayList<>();
        byColumn.forEach((column, rows) -> columns.add(column + ": " + String.join(", ", rows.subList(0,
                Math.min(3, rows.size()))) + (rows.size() > 3 ? " and " + (rows.size() - 3) + " more" : "")));
        return String.join("; ", columns);
    }
}
