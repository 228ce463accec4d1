package org.vmlab.bench;

import org.vmlab.machine.EngineFactory;
import org.vmlab.machine.compiled.CompiledEngine;

/** The execution engines a benchmark's {@code engine} parameter names. */
final class Engines {
    private Engines() {
    }

    /**
     * {@code interpreter} ({@link EngineFactory#INTERPRETER}) or {@code compiled} (the block
     * compiler over it, {@link CompiledEngine}).
     *
     * @throws IllegalArgumentException for any other name
     */
    static EngineFactory named(String name) {
        return switch (name) {
            case "interpreter" -> EngineFactory.INTERPRETER;
            case "compiled" -> CompiledEngine::new;
            default -> throw new IllegalArgumentException("no engine '" + name + "' (expected interpreter or compiled)");
        };
    }
}
