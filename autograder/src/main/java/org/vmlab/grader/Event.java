package org.vmlab.grader;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One message of the forked test JVM to the grader, sent over {@link EventChannel}: the test
 * JVM's own standard output, which the code under test cannot reach (its {@code System.out}
 * is a capture), each line signed with a key only the grader and the test JVM know.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "event")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Event.Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = Event.Planned.class, name = "planned"),
    @JsonSubTypes.Type(value = Event.Started.class, name = "started"),
    @JsonSubTypes.Type(value = Event.Printed.class, name = "printed"),
    @JsonSubTypes.Type(value = Event.Reached.class, name = "checkpoint"),
    @JsonSubTypes.Type(value = Event.Finished.class, name = "finished"),
    @JsonSubTypes.Type(value = Event.ContainerFailed.class, name = "container-failed"),
    @JsonSubTypes.Type(value = Event.Retiring.class, name = "retiring"),
    @JsonSubTypes.Type(value = Event.Exiting.class, name = "exiting"),
    @JsonSubTypes.Type(value = Event.Broken.class, name = "broken"),
    @JsonSubTypes.Type(value = Event.Done.class, name = "done")
})
sealed interface Event {

    /** The test JVM started, read its request, and holds the channel: before any test code. */
    record Hello() implements Event {
    }

    /** A graded test was discovered and will run; sent before any test runs. */
    record Planned(GradedTest test) implements Event {
    }

    /** A graded test began. */
    record Started(String uniqueId) implements Event {
    }

    /** The running test printed {@code text} (within the output cap). */
    record Printed(String text) implements Event {
    }

    /** A graded test reached a checkpoint. */
    record Reached(String uniqueId, Checkpoint checkpoint) implements Event {
    }

    /** A graded test ended, normally: it returned or threw. */
    record Finished(String uniqueId, TestStatus status, String reason, String output,
                    long millis) implements Event {
    }

    /** A container (a test class) failed, so the graded tests in it never start. */
    record ContainerFailed(String uniqueId, String reason) implements Event {
    }

    /**
     * The test JVM ends itself before its plan is done, because the code under test left it
     * unfit to go on (threads that would not stop); the tests left run in a new one.
     */
    record Retiring(String reason) implements Event {
    }

    /**
     * {@code System.exit} (or {@code Runtime.exit}) was called: sent from a shutdown hook, which
     * runs on an exit and not on {@code Runtime.halt}.
     *
     * @param caller where it was called, {@code File.java:12}, or empty when not found
     */
    record Exiting(String caller) implements Event {
    }

    /** The test JVM's own machinery failed (not the code under test's): the grader's failure. */
    record Broken(String message) implements Event {
    }

    /** Every planned test ran; the JVM is about to exit. */
    record Done() implements Event {
    }
}
