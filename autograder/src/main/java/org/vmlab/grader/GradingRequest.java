package org.vmlab.grader;

import java.io.File;
import java.util.List;

/**
 * What to grade: test classes and packages to search for {@link Graded} tests, the classpath of
 * the forked JVM, and its limits.
 *
 * @param classes   fully qualified test class names
 * @param packages  package names whose test classes are searched
 * @param classpath the forked JVM's classpath; it must hold the tests, the code under test, this
 *                  module and its dependencies (the JUnit Platform launcher and Jupiter engine,
 *                  Jackson)
 * @param limits    memory, time and output limits
 * @param runAs     the user the test JVM runs as (Linux, the grader running as root), or empty
 *                  for the grader's own user; see docs/grading.md
 */
public record GradingRequest(List<String> classes, List<String> packages, String classpath,
                             Limits limits, String runAs) {

    /** Checks and copies. */
    public GradingRequest {
        classes = List.copyOf(classes);
        packages = List.copyOf(packages);
        if (classes.isEmpty() && packages.isEmpty()) {
            throw new IllegalArgumentException("nothing to grade: give test classes or packages");
        }
        if (classpath == null || limits == null || runAs == null) {
            throw new IllegalArgumentException("a grading request needs a classpath and limits");
        }
        if (!runAs.isEmpty() && !runAs.matches("[a-z_][a-z0-9_-]*")) {
            throw new IllegalArgumentException("not a user name: " + runAs);
        }
    }

    /** A request whose test JVM runs as the grader's own user. */
    public GradingRequest(List<String> classes, List<String> packages, String classpath,
                          Limits limits) {
        this(classes, packages, classpath, limits, "");
    }

    /** This request with the test JVM run as {@code user}. */
    public GradingRequest runningAs(String user) {
        return new GradingRequest(classes, packages, classpath, limits, user);
    }

    /** Grades the given test classes on this JVM's own classpath. */
    public static GradingRequest ofClasses(Limits limits, Class<?>... tests) {
        return new GradingRequest(java.util.Arrays.stream(tests).map(Class::getName).toList(),
                List.of(), currentClasspath(), limits);
    }

    /** This JVM's classpath, {@code java.class.path}. */
    public static String currentClasspath() {
        return System.getProperty("java.class.path", "");
    }

    /** The classpath as its entries. */
    public List<String> classpathEntries() {
        return List.of(classpath.split(File.pathSeparator));
    }
}
