package org.vmlab.grader;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies {@link Graded#after()}: a test whose prerequisite did not pass is reported as
 * {@code skipped: <prerequisite> failed}, with no points, whatever it did itself. Chains are
 * followed: when 1.1 fails, a test after 1.2 after 1.1 is skipped too.
 */
final class Prerequisites {

    private final Map<String, GradedTest> byNumber = new HashMap<>();

    /** @param tests every graded test of the run */
    Prerequisites(Collection<GradedTest> tests) {
        for (GradedTest test : tests) {
            if (!test.number().isEmpty()) {
                byNumber.putIfAbsent(test.number(), test);
            }
        }
    }

    /** The results, in the same order, with the dependents of failed tests skipped. */
    List<TestResult> apply(List<TestResult> results) {
        Map<String, TestResult> byId = new HashMap<>();
        results.forEach(r -> byId.put(r.test().uniqueId(), r));
        Map<String, TestResult> resolved = new HashMap<>();
        return results.stream().map(r -> resolve(r, byId, resolved)).toList();
    }

    private TestResult resolve(TestResult result, Map<String, TestResult> byId,
                               Map<String, TestResult> resolved) {
        String id = result.test().uniqueId();
        TestResult known = resolved.get(id);
        if (known != null) {
            return known;
        }
        TestResult outcome = result;
        String after = result.test().after();
        if (!after.isEmpty()) {
            GradedTest prerequisite = byNumber.get(after);
            if (prerequisite == null) {
                outcome = result.skipped("skipped: its prerequisite " + after
                        + " is not a graded test");
            } else if (inCycle(result.test())) {
                outcome = result.skipped("skipped: its prerequisites form a cycle");
            } else {
                TestResult before = byId.get(prerequisite.uniqueId());
                TestResult prerequisiteOutcome = before == null ? null
                        : resolve(before, byId, resolved);
                if (prerequisiteOutcome == null
                        || prerequisiteOutcome.status() != TestStatus.PASSED) {
                    outcome = result.skipped("skipped: " + prerequisite.label() + " failed");
                }
            }
        }
        resolved.put(id, outcome);
        return outcome;
    }

    /** Whether following {@code after} from {@code test} comes back to it. */
    private boolean inCycle(GradedTest test) {
        Set<String> seen = new HashSet<>();
        GradedTest current = byNumber.get(test.after());
        while (current != null && seen.add(current.uniqueId())) {
            if (current.uniqueId().equals(test.uniqueId())) {
                return true;
            }
            current = current.after().isEmpty() ? null : byNumber.get(current.after());
        }
        return false;
    }
}
