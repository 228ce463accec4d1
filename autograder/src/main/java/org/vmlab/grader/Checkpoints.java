package org.vmlab.grader;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Partial credit inside one graded test. A test declares a {@code Checkpoints} parameter and
 * calls {@link #reached(String, double)} each time it has established one step:
 *
 * <pre>{@code
 * checkpoints.reached("boots", 2);
 * checkpoints.reached("runs user code", 3);
 * assertThat(yours).isEqualTo(bareMetal);       // the rest of the points
 * }</pre>
 *
 * <p>If the test passes it earns all of its points. If it fails (or kills the test JVM) it earns
 * the sum of the checkpoints reached before, capped at its points. Each checkpoint is reported
 * the moment it is reached, so it counts even if the test then loops forever.
 */
public final class Checkpoints {

    /** Report entry key carrying a checkpoint's name. */
    static final String NAME_KEY = "vmlab.checkpoint.name";
    /** Report entry key carrying a checkpoint's points. */
    static final String POINTS_KEY = "vmlab.checkpoint.points";

    private final Consumer<Map<String, String>> publisher;
    private final List<Checkpoint> reached = new ArrayList<>();

    /**
     * @param publisher where each reached checkpoint goes, as a JUnit report entry
     */
    Checkpoints(Consumer<Map<String, String>> publisher) {
        this.publisher = publisher;
    }

    /**
     * Records that this test reached a step worth {@code points}.
     *
     * @throws IllegalArgumentException if the name is blank or the points negative
     */
    public void reached(String name, double points) {
        Checkpoint checkpoint = new Checkpoint(name, points);
        reached.add(checkpoint);
        publisher.accept(Map.of(NAME_KEY, name, POINTS_KEY, Double.toString(points)));
    }

    /** The checkpoints reached so far, in order. */
    public List<Checkpoint> reached() {
        return List.copyOf(reached);
    }
}
