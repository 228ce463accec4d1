package org.vmlab.vmm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The VM's exit-handler table: for each kind of {@link Exit}, the one handler that deals with it.
 * The core registers its own (the timer, external interrupts, page faults, hypercalls); a CPU,
 * memory or device technique registers the handlers for the exits it raises when it is attached
 * to the VM. The VMM's loop hands every exit to {@link #handle}, never to a switch of its own, so
 * that a new technique adds its exits without editing the core.
 *
 * <p>A kind has at most one handler: registering a second is an error, said at once, rather than
 * one technique silently taking another's exits.
 */
public final class ExitHandlers {
    /** What the VMM does with one kind of exit. */
    @FunctionalInterface
    public interface Handler<E extends Exit> {
        /**
         * Handles {@code exit} for {@code vm}. A guest fault raised while handling is thrown as a
         * {@link org.vmlab.machine.Fault}; the VM reflects it into the guest.
         */
        void handle(VirtualMachine vm, E exit);
    }

    private record Entry<E extends Exit>(Class<E> kind, Handler<? super E> handler, String owner) {
        void handle(VirtualMachine vm, Exit exit) {
            handler.handle(vm, kind.cast(exit));
        }
    }

    private final Map<Class<? extends Exit>, Entry<?>> table = new LinkedHashMap<>();

    /**
     * Makes {@code handler} the handler of every exit of type {@code kind}.
     *
     * @param owner who registers it (a technique's name), for the error if the kind is taken
     * @throws IllegalArgumentException if {@code kind} already has a handler
     */
    public <E extends Exit> void register(Class<E> kind, String owner, Handler<? super E> handler) {
        Entry<?> taken = table.putIfAbsent(kind, new Entry<>(kind, handler, owner));
        if (taken != null) {
            throw new IllegalArgumentException(owner + " registers a handler for " + kind.getSimpleName()
                    + " exits, but " + taken.owner() + " already handles them");
        }
    }

    /** True if exits of type {@code kind} have a handler. */
    public boolean handles(Class<? extends Exit> kind) {
        return table.containsKey(kind);
    }

    /**
     * Hands {@code exit} to the handler of its kind.
     *
     * @return false, having done nothing, if no handler is registered for its kind
     */
    public boolean handle(VirtualMachine vm, Exit exit) {
        Entry<?> entry = table.get(exit.getClass());
        if (entry == null) {
            return false;
        }
        entry.handle(vm, exit);
        return true;
    }
}
