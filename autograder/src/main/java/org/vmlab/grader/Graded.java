package org.vmlab.grader;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a JUnit 5 test method as graded: it is worth {@link #points()} and appears in every
 * report under {@link #number()} and {@link #name()}.
 *
 * <p>Put it beside {@code @Test}. Only methods carrying it are run by the {@link Grader}. A graded
 * test may declare a {@link Checkpoints} parameter to earn partial credit, and may depend on
 * another graded test through {@link #after()}: if the prerequisite does not pass, this test is
 * reported as {@code skipped: <prerequisite> failed} and scores nothing, instead of adding a
 * second, confusing failure.
 *
 * <pre>{@code
 * @Test
 * @Graded(points = 4, number = "1.2", name = "popf traps in user mode", after = "1.1")
 * void popfTraps(Checkpoints checkpoints) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@ExtendWith(CheckpointsExtension.class)
public @interface Graded {

    /** The points this test is worth; at least zero. */
    double points();

    /** The name students read; when empty, the test's JUnit display name. */
    String name() default "";

    /** The test's number in the points table, such as {@code "1.2"}; may be empty. */
    String number() default "";

    /** When the student sees the result. */
    Visibility visibility() default Visibility.VISIBLE;

    /** The {@link #number()} of a graded test that must pass first; empty for none. */
    String after() default "";
}
