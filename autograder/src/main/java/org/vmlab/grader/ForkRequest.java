package org.vmlab.grader;

import java.util.List;

/**
 * What one forked test JVM is asked to run, passed to it as a JSON file.
 *
 * @param classes   fully qualified test classes to select
 * @param packages  packages whose test classes to select
 * @param uniqueIds when not empty, run only these graded tests (a restart after a crash)
 * @param outputCap bytes of output kept per test
 * @param heapMb    the heap limit, for messages
 * @param planOnly  discover the graded tests and run none: no code under test is loaded
 */
record ForkRequest(List<String> classes, List<String> packages, List<String> uniqueIds,
                   int outputCap, int heapMb, boolean planOnly) {

    ForkRequest {
        classes = List.copyOf(classes);
        packages = List.copyOf(packages);
        uniqueIds = List.copyOf(uniqueIds);
    }
}
