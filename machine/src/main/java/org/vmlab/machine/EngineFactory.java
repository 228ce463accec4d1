package org.vmlab.machine;

/**
 * Which {@link ExecutionEngine} a machine's processor runs with, built over its reference
 * {@link Interpreter} (every engine is composed over it, and held to it). The engines a user
 * chooses between by name are the {@link Engine}s; a test may build one with other settings
 * (a {@code CompiledEngine} with another hot threshold).
 */
@FunctionalInterface
public interface EngineFactory {
    /** The interpreter alone. */
    EngineFactory INTERPRETER = InterpreterPort::interpreter;

    /** The engine over the interpreter behind {@code port}. */
    ExecutionEngine over(InterpreterPort port);
}
