package org.vmlab.grader;

import java.util.Arrays;

/** Turns what a test threw into the one-line reason and the details that reports show. */
final class Failures {

    private static final int FRAMES = 12;

    private Failures() {
    }

    /**
     * One line: the assertion's message, or the exception's simple name and message, with a
     * plain explanation for the errors students meet most.
     */
    static String reason(Throwable thrown, int heapMb) {
        if (thrown instanceof StackOverflowError) {
            return "StackOverflowError: the code under test recursed without end"
                    + " (the thread's stack overflowed)";
        }
        if (thrown instanceof OutOfMemoryError) {
            return "OutOfMemoryError (heap limit " + heapMb + " MB)";
        }
        String message = firstLine(thrown.getMessage());
        if (thrown instanceof AssertionError && !message.isEmpty()) {
            return message;
        }
        String name = thrown.getClass().getSimpleName();
        String where = whereThrown(thrown);
        return (message.isEmpty() ? name : name + ": " + message)
                + (where.isEmpty() ? "" : " (at " + where + ")");
    }

    /** The reason's full text and the first stack frames. */
    static String details(Throwable thrown) {
        StringBuilder text = new StringBuilder(String.valueOf(thrown)).append('\n');
        StackTraceElement[] stack = thrown.getStackTrace();
        Arrays.stream(stack).limit(FRAMES).forEach(f -> text.append("    at ").append(f)
                .append('\n'));
        if (stack.length > FRAMES) {
            text.append("    ... ").append(stack.length - FRAMES).append(" more\n");
        }
        return text.toString();
    }

    /** The first line of {@code text}, trimmed; empty for null. */
    static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        String trimmed = text.strip();
        int end = trimmed.indexOf('\n');
        return (end < 0 ? trimmed : trimmed.substring(0, end)).strip();
    }

    private static String whereThrown(Throwable thrown) {
        return Arrays.stream(thrown.getStackTrace())
                .filter(f -> !f.getClassName().startsWith("java.")
                        && !f.getClassName().startsWith("jdk.")
                        && !f.getClassName().startsWith("sun."))
                .findFirst()
                .map(f -> f.getFileName() == null ? f.getClassName()
                        : f.getFileName() + ":" + f.getLineNumber())
                .orElse("");
    }
}
