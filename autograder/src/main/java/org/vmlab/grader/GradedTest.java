package org.vmlab.grader;

import java.util.List;

/**
 * One graded test as discovered: where it is and what its {@link Graded} annotation says.
 *
 * @param uniqueId   the JUnit Platform unique id, the key across the forked JVM boundary
 * @param className  the test class
 * @param methodName the test method
 * @param name       the name students read
 * @param number     the number in the points table, or empty
 * @param points     the points it is worth
 * @param visibility when students see it
 * @param after      the number of its prerequisite, or empty
 * @param tags       its JUnit tags
 */
public record GradedTest(String uniqueId, String className, String methodName, String name,
                         String number, double points, Visibility visibility, String after,
                         List<String> tags) {

    /** Checks the fields and copies the tags. */
    public GradedTest {
        if (uniqueId == null || name == null || number == null || after == null
                || visibility == null) {
            throw new IllegalArgumentException("incomplete graded test " + uniqueId);
        }
        if (!(points >= 0)) {
            throw new IllegalArgumentException(uniqueId + ": points must be >= 0: " + points);
        }
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** {@code "1.2 name"}, or just the name when there is no number. */
    public String label() {
        return number.isEmpty() ? name : number + " " + name;
    }

    /**
     * Orders points-table numbers as a reader does: "0.2" before "0.10", "1" before "1.1";
     * a test without a number comes after the numbered ones.
     */
    public static int compareNumbers(String a, String b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Boolean.compare(a.isEmpty(), b.isEmpty());
        }
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = x[i].matches("\\d{1,9}") && y[i].matches("\\d{1,9}")
                    ? Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]))
                    : x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
