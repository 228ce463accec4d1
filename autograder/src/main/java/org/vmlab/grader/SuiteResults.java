package org.vmlab.grader;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of one suite (for vmlab, one lab), as the reports that group by lab present them.
 *
 * @param suite   the suite: the package of its test classes ({@link RunDetails#suiteOf})
 * @param title   its title ({@link RunDetails#titleOf})
 * @param results its results, in the order of the tests' numbers
 */
record SuiteResults(String suite, String title, List<TestResult> results) {

    /** Orders results as the points table does: by number, then by name. */
    private static final Comparator<TestResult> BY_NUMBER = Comparator
            .comparing((TestResult r) -> r.test().number(), GradedTest::compareNumbers)
            .thenComparing(r -> r.test().name());

    /** Copies the results. */
    SuiteResults {
        results = List.copyOf(results);
    }

    /**
     * The results of {@code report} by suite: each suite's tests in the order of their numbers,
     * and the suites in the order of their first test's number (so Lab 2 comes before Lab 10),
     * then by name.
     */
    static List<SuiteResults> of(GradingReport report) {
        Map<String, List<TestResult>> bySuite = new LinkedHashMap<>();
        for (TestResult r : report.results()) {
            bySuite.computeIfAbsent(RunDetails.suiteOf(r.test()), s -> new ArrayList<>()).add(r);
        }
        List<SuiteResults> suites = new ArrayList<>();
        bySuite.forEach((suite, results) -> {
            List<TestResult> sorted = new ArrayList<>(results);
            sorted.sort(BY_NUMBER);
            suites.add(new SuiteResults(suite, report.details().titleOf(suite), sorted));
        });
        suites.sort(Comparator
                .comparing((SuiteResults s) -> s.results().get(0).test().number(),
                        GradedTest::compareNumbers)
                .thenComparing(SuiteResults::suite));
        return suites;
    }

    /** The points earned in this suite. */
    double score() {
        return Scores.round(results.stream().mapToDouble(TestResult::score).sum());
    }

    /** The points available in this suite. */
    double maxScore() {
        return Scores.round(results.stream().mapToDouble(r -> r.test().points()).sum());
    }

    /** How many of this suite's tests ended with {@code status}. */
    long count(TestStatus status) {
        return results.stream().filter(r -> r.status() == status).count();
    }

    /** "2.5 / 6 points: 1 passed, 1 failed, 1 skipped". */
    String subtotal() {
        return Text.subtotal(score(), maxScore(), count(TestStatus.PASSED),
                count(TestStatus.FAILED), count(TestStatus.SKIPPED));
    }
}
