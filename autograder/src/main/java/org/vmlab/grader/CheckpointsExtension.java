package org.vmlab.grader;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Supplies a fresh {@link Checkpoints} to each graded test that asks for one. Its checkpoints
 * travel as JUnit report entries, which the grading listener turns into partial credit; outside
 * the grader (in an IDE, under Surefire) they are harmless report entries.
 */
public final class CheckpointsExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Checkpoints.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return new Checkpoints(context::publishReportEntry);
    }
}
