package org.vmlab.grader;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a report says about the run as a whole, beside its results: when it ran, whose code it
 * graded, at which commit, and the names of the suites (the labs) its tests belong to.
 *
 * @param started        when grading began
 * @param implementation whose code was graded (for vmlab: {@code labs} or {@code solutions}), or
 *                       empty when not known
 * @param commit         the version control commit of the graded tree, or empty when not known
 * @param suiteTitles    a title per suite, keyed by the test classes' package (for vmlab
 *                       {@code org.vmlab.labs.lab1 -> "Lab 1: Trap and emulate"}); a suite
 *                       without one is named by its package's last segment
 */
public record RunDetails(Instant started, String implementation, String commit,
                         Map<String, String> suiteTitles) {

    /** Checks and copies. */
    public RunDetails {
        if (started == null || implementation == null || commit == null) {
            throw new IllegalArgumentException("incomplete run details");
        }
        suiteTitles = Map.copyOf(suiteTitles);
    }

    /** Details that know only the start time. */
    public static RunDetails startedAt(Instant started) {
        return new RunDetails(started, "", "", Map.of());
    }

    /** These details with the implementation and commit named. */
    public RunDetails withSource(String implementation, String commit) {
        return new RunDetails(started, implementation, commit, suiteTitles);
    }

    /** These details with suite titles, by package. */
    public RunDetails withSuiteTitles(Map<String, String> titles) {
        return new RunDetails(started, implementation, commit, new TreeMap<>(titles));
    }

    /** The suite a test belongs to: the package of its class. */
    public static String suiteOf(GradedTest test) {
        int dot = test.className().lastIndexOf('.');
        return dot < 0 ? "" : test.className().substring(0, dot);
    }

    /** The title of {@code suite}: the one given, else its package's last segment. */
    public String titleOf(String suite) {
        String title = suiteTitles.get(suite);
        return title != null ? title : suite.substring(suite.lastIndexOf('.') + 1);
    }
}
