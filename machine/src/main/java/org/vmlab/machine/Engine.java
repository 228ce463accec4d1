package org.vmlab.machine;

import java.util.Arrays;
import java.util.Locale;
import org.vmlab.machine.compiled.CompiledEngine;

/**
 * The execution engines a user can choose between by name ({@code --engine} on the command line,
 * or the system property {@value #PROPERTY}): both give the same run, instruction for
 * instruction, tick for tick; they differ in host speed.
 */
public enum Engine implements EngineFactory {
    /** The reference interpreter alone: one instruction at a time. */
    INTERPRETER {
        @Override
        public ExecutionEngine over(InterpreterPort port) {
            return port.interpreter();
        }
    },
    /** Hot code compiled to JVM bytecode, the interpreter for the rest ({@link CompiledEngine}). */
    COMPILED {
        @Override
        public ExecutionEngine over(InterpreterPort port) {
            return new CompiledEngine(port);
        }
    };

    /** The system property that names the engine of a machine whose configuration names none. */
    public static final String PROPERTY = "vmlab.engine";

    /** The engine a machine runs with unless its configuration names one. */
    public static final Engine DEFAULT = COMPILED;

    /** The engine's name as the user types it. */
    public String userName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The engine called {@code name} (any case). */
    public static Engine named(String name) {
        for (Engine e : values()) {
            if (e.userName().equalsIgnoreCase(name.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException("no engine named '" + name + "' (the engines: "
                + String.join(", ", Arrays.stream(values()).map(Engine::userName).toList()) + ")");
    }

    /**
     * The engine a machine runs with unless its configuration names one: the one the system
     * property {@value #PROPERTY} names, else {@link #DEFAULT}.
     *
     * @throws IllegalArgumentException if the property names no engine
     */
    public static Engine standard() {
        String name = System.getProperty(PROPERTY);
        if (name == null || name.isBlank()) {
            return DEFAULT;
        }
        try {
            return named(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("system property " + PROPERTY + ": " + e.getMessage(), e);
        }
    }
}
