package org.vmlab.vmm;

/**
 * A CPU technique for tests that runs the guest as {@link DirectCpu} does (faithfully) and changes
 * one thing about it in a subclass: the events it declares, how it injects.
 */
abstract class OnDirectCpu implements CpuVirtualization {
    private final DirectCpu direct = DirectCpu.faithful();

    @Override
    public Exit run(VirtualMachine vm, long budget) {
        return direct.run(vm, budget);
    }

    @Override
    public void attach(VirtualMachine vm) {
        direct.attach(vm);
    }
}
