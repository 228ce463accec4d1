package org.vmlab.grader;

import java.util.function.Supplier;

/**
 * Turns what a test threw into the one-line reason and the details that reports show.
 *
 * <p>What was thrown is the code under test's object: its {@code getMessage}, {@code toString}
 * and {@code getStackTrace} are its methods, which may throw, return null or return megabytes.
 * Every call here is guarded and every text capped, so describing a failure never fails and
 * never floods a report.
 */
final class Failures {

    /** The longest reason, in characters. */
    static final int REASON_CAP = 500;
    /** The longest details, in characters. */
    static final int DETAILS_CAP = 4000;
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
        String message = firstLine(guarded(thrown::getMessage, ""));
        String reason;
        if (thrown instanceof AssertionError && !message.isEmpty()) {
            reason = message;
        } else {
            String name = thrown.getClass().getSimpleName();
            String where = whereThrown(thrown);
            reason = (message.isEmpty() ? name : name + ": " + message)
                    + (where.isEmpty() ? "" : " (at " + where + ")");
        }
        return cap(reason, REASON_CAP);
    }

    /** The reason's full text and the first stack frames, capped. */
    static String details(Throwable thrown) {
        StringBuilder text = new StringBuilder(cap(describe(thrown), DETAILS_CAP / 2))
                .append('\n');
        StackTraceElement[] stack = guarded(thrown::getStackTrace, new StackTraceElement[0]);
        int shown = 0;
        while (shown < Math.min(FRAMES, stack.length) && !machinery(stack[shown])) {
            StackTraceElement frame = stack[shown++];
            text.append("    at ").append(frame == null ? "?" : cap(frame.toString(), 300))
                    .append('\n');
        }
        if (stack.length > shown) {
            text.append("    ... ").append(stack.length - shown).append(" more\n");
        }
        return cap(text.toString(), DETAILS_CAP);
    }

    /** What {@code thrown} says of itself ({@code toString}), or its class name if that fails. */
    static String describe(Throwable thrown) {
        String name = thrown.getClass().getName();
        return cap(guarded(thrown::toString, name), REASON_CAP);
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

    /** {@code text} cut to {@code max} characters, saying how much was cut. */
    static String cap(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        return text.substring(0, max) + " [... " + (text.length() - max) + " more characters]";
    }

    /** A stack frame as {@code File.java:12}, or its class when it has no file. */
    static String place(StackTraceElement frame) {
        return frame.getFileName() == null ? frame.getClassName()
                : frame.getFileName() + ":" + frame.getLineNumber();
    }

    /**
     * A frame of the machinery that called the test (reflection, JUnit): nothing below it is the
     * test's or the code under test's, so the stack shown stops there.
     */
    private static boolean machinery(StackTraceElement frame) {
        if (frame == null) {
            return false;
        }
        String name = frame.getClassName();
        return name.startsWith("jdk.internal.reflect.") || name.startsWith("java.lang.reflect.")
                || name.startsWith("org.junit.");
    }

    private static String whereThrown(Throwable thrown) {
        for (StackTraceElement frame : guarded(thrown::getStackTrace, new StackTraceElement[0])) {
            if (frame != null && !frame.getClassName().startsWith("java.")
                    && !frame.getClassName().startsWith("jdk.")
                    && !frame.getClassName().startsWith("sun.")) {
                return cap(place(frame), 200);
            }
        }
        return "";
    }

    /** What {@code call} returns, or {@code otherwise} when it throws anything or returns null. */
    private static <T> T guarded(Supplier<T> call, T otherwise) {
        try {
            T value = call.get();
            return value == null ? otherwise : value;
        } catch (Throwable t) {
            return otherwise;
        }
    }
}
