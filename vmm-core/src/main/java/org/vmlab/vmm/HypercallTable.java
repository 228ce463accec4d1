package org.vmlab.vmm;

import java.util.Map;
import java.util.TreeMap;

/**
 * The VM's hypercall table: what the hypervisor does for each hypercall number, as Xen's
 * {@code hypercall_table} maps {@code __HYPERVISOR_*} numbers to handlers
 * ({@code xen/include/public/xen.h}). CPU, memory and device techniques each register the calls
 * they serve when attached (a paravirtual MMU its {@code mmu_update}, a split driver its event
 * channels), so that the core needs no list of them.
 *
 * <p>The calling convention is 32-bit Xen's, in this machine's registers: the number in
 * {@code r1} (Xen: eax), up to five arguments in {@code r2}..{@code r6} (ebx, ecx, edx, esi,
 * edi), the result in {@code r1}: zero or more for success, a negated {@link Errno} for failure.
 * The call retires as one guest instruction and returns to the instruction after it. A number
 * nobody registered returns {@code -ENOSYS}, as Xen's does.
 */
public final class HypercallTable {
    /** The register that holds the hypercall's number on entry and its result on return. */
    public static final int NUMBER_REGISTER = 1;
    /** The register of the first argument; the others follow it. */
    public static final int FIRST_ARGUMENT_REGISTER = 2;
    /** How many arguments a hypercall may have. */
    public static final int MAX_ARGUMENTS = 5;

    /** What the hypervisor does for one hypercall. */
    @FunctionalInterface
    public interface Hypercall {
        /**
         * Performs the call for {@code vm} with the guest's {@code arguments}.
         *
         * @return the result for the guest: zero or more for success, a negated {@link Errno}
         */
        int call(VirtualMachine vm, Arguments arguments);
    }

    /** A hypercall's arguments, as the guest left them in its registers. */
    public record Arguments(int a1, int a2, int a3, int a4, int a5) {
        /** The {@code n}th argument, from 1. */
        public int get(int n) {
            return switch (n) {
                case 1 -> a1;
                case 2 -> a2;
                case 3 -> a3;
                case 4 -> a4;
                case 5 -> a5;
                default -> throw new IllegalArgumentException("a hypercall has arguments 1 to "
                        + MAX_ARGUMENTS + ", not " + n);
            };
        }

        static Arguments of(Vcpu vcpu) {
            int r = FIRST_ARGUMENT_REGISTER;
            return new Arguments(vcpu.register(r), vcpu.register(r + 1), vcpu.register(r + 2),
                    vcpu.register(r + 3), vcpu.register(r + 4));
        }
    }

    /**
     * One registered hypercall.
     *
     * @param returns false for a call that does not return to its caller (Xen's {@code iret}):
     *                the table then neither writes {@code r1} nor moves the pc; the handler sets
     *                the guest's state itself
     */
    public record Entry(int number, String name, String owner, Hypercall handler, boolean returns) {
    }

    private final Map<Integer, Entry> table = new TreeMap<>();

    /**
     * Registers {@code handler} as hypercall {@code number}.
     *
     * @param name  the call's name, as Xen's ({@code mmu_update})
     * @param owner who registers it (a technique's name), for the error if the number is taken
     * @throws IllegalArgumentException if {@code number} is negative or already registered
     */
    public void register(int number, String name, String owner, Hypercall handler) {
        add(new Entry(number, name, owner, handler, true));
    }

    /**
     * Registers {@code handler} as hypercall {@code number}, a call that does not return to its
     * caller (Xen's {@code iret}): its result is ignored, and it leaves the guest where it put it.
     */
    public void registerNoReturn(int number, String name, String owner, Hypercall handler) {
        add(new Entry(number, name, owner, handler, false));
    }

    private void add(Entry entry) {
        int number = entry.number();
        String name = entry.name();
        String owner = entry.owner();
        if (number < 0) {
            throw new IllegalArgumentException("hypercall numbers are not negative: " + name + " is " + number);
        }
        Entry taken = table.putIfAbsent(number, entry);
        if (taken != null) {
            throw new IllegalArgumentException(owner + " registers hypercall " + number + " (" + name
                    + "), but it is " + taken.name() + " of " + taken.owner());
        }
    }

    /** The hypercall registered as {@code number}, or null. */
    public Entry lookup(int number) {
        return table.get(number);
    }

    /** Every registered hypercall, by number. */
    public Iterable<Entry> entries() {
        return table.values();
    }

    /**
     * Performs the hypercall of {@code exit}: runs the handler, retires the guest's hypercall
     * instruction, moves its pc past it and returns the result in {@code r1} (a call that does not
     * return does neither of the last two). A handler may move the pc
     * itself (a call that does not return where it was made); a guest fault it raises is thrown as
     * a {@link org.vmlab.machine.Fault} before anything is written.
     */
    void dispatch(VirtualMachine vm, Exit.Hypercall exit) {
        Vcpu vcpu = vm.vcpu();
        Entry entry = table.get(exit.number());
        int result = entry == null ? -Errno.ENOSYS : entry.handler().call(vm, Arguments.of(vcpu));
        vcpu.retire(1);
        if (entry != null && !entry.returns()) {
            return;
        }
        if (vcpu.pc() == exit.pc()) {
            vcpu.setPc(exit.pc() + 4);
        }
        vcpu.setRegister(NUMBER_REGISTER, result);
    }
}
