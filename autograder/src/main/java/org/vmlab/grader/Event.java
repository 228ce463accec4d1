package org.vmlab.grader;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One line of the stream the forked test JVM writes to its events file, read by the grader.
 * The stream goes to a file of its own, never to standard output, so that what the code under
 * test prints cannot pass for a result.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "event")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Event.Planned.class, name = "planned"),
    @JsonSubTypes.Type(value = Event.Started.class, name = "started"),
    @JsonSubTypes.Type(value = Event.Reached.class, name = "checkpoint"),
    @JsonSubTypes.Type(value = Event.Finished.class, name = "finished"),
    @JsonSubTypes.Type(value = Event.Done.class, name = "done")
})
sealed interface Event {

    /** A graded test was discovered and will run. */
    record Planned(GradedTest test) implements Event {
    }

    /** A graded test began. */
    record Started(String uniqueId) implements Event {
    }

    /** A graded test reached a checkpoint. */
    record Reached(String uniqueId, Checkpoint checkpoint) implements Event {
    }

    /** A graded test ended, normally: it returned or threw. */
    record Finished(String uniqueId, TestStatus status, String reason, String output,
                    long millis) implements Event {
    }

    /** Every planned test ran; the JVM is about to exit. */
    record Done() implements Event {
    }
}
