package org.vmlab.machine;

/**
 * Which {@link ExecutionEngine} a machine's processor runs with, built over its reference
 * {@link Interpreter} (every engine is composed over it, and held to it): the interpreter itself
 * by default, or a faster engine such as {@code org.vmlab.machine.compiled.CompiledEngine}.
 */
@FunctionalInterface
public interface EngineFactory {
    /** The interpreter alone. */
    EngineFactory INTERPRETER = InterpreterPort::interpreter;

    /** The engine over the interpreter behind {@code port}. */
    ExecutionEngine over(InterpreterPort port);
}
