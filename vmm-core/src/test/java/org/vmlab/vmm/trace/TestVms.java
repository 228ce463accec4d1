package org.vmlab.vmm.trace;

import java.util.List;
import java.util.Map;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.image.SymbolTable;
import org.vmlab.vmm.CpuVirtualization;
import org.vmlab.vmm.Exit;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryVirtualization;
import org.vmlab.vmm.PageFaultOutcome;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * Virtual machines for the trace tests: real VMs with a small symbol table, that are never run.
 * The tests report to the trace themselves what a running VMM would.
 */
final class TestVms {
    /** The guest's symbols: {@code kernel_start} at 0x1000, {@code schedule} at 0x1200. */
    static final SymbolTable SYMBOLS = new SymbolTable(Map.of("kernel_start", 0x1000, "schedule", 0x1200));

    private final Hypervisor hypervisor = new Hypervisor(MachineConfig.defaults(), VmmCostModel.DEFAULT);

    /** A VM named {@code name} whose guest program has {@link #SYMBOLS}. */
    VirtualMachine vm(String name) {
        VirtualMachine vm = hypervisor.create(VmConfig.named(name).withFrameLimit(16),
                new NoCpuVirtualization(), new NoMemoryVirtualization());
        vm.load(new Image(0x1000, List.of(), SYMBOLS));
        return vm;
    }

    private static UnsupportedOperationException neverRun() {
        return new UnsupportedOperationException("the trace tests never run a guest");
    }

    private static final class NoCpuVirtualization implements CpuVirtualization {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public Exit run(VirtualMachine vm, long budget) {
            throw neverRun();
        }
    }

    private static final class NoMemoryVirtualization implements MemoryVirtualization {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public void attach(VirtualMachine vm) {
            // nothing to prepare: the VM never runs
        }

        @Override
        public void activate() {
            throw neverRun();
        }

        @Override
        public void controlRegisterWritten(int cr) {
            throw neverRun();
        }

        @Override
        public void invalidatePage(int va) {
            throw neverRun();
        }

        @Override
        public PageFaultOutcome pageFault(Exit.PageFault exit) {
            throw neverRun();
        }
    }
}
