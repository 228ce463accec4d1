package org.vmlab.device.passthrough;

import org.vmlab.machine.Machine;
import org.vmlab.machine.device.BlockDevice;
import org.vmlab.machine.device.DeviceWiring;
import org.vmlab.machine.device.DmaSpace;
import org.vmlab.machine.device.InterruptSink;
import org.vmlab.machine.device.Iommu;
import org.vmlab.machine.device.MmioDevice;
import org.vmlab.machine.device.NetworkInterface;
import org.vmlab.machine.device.PortDevice;
import org.vmlab.vmm.DeviceVirtualization;
import org.vmlab.vmm.VirtualMachine;

/**
 * Passthrough, the lecture's "VMM-bypass": the machine's disk and network interface are assigned
 * to one VM. Their registers are the guest's own (the network interface's MMIO window passed
 * through, the disk's ports opened by the I/O permission bitmap): the guest's unmodified driver
 * programs them with no exit per access. It programs guest-physical DMA addresses, which the
 * machine's IOMMU translates to the VM's machine frames through I/O page tables that map those
 * frames and nothing else; the devices' interrupts are remapped to the VM's own interrupt
 * controller (VT-d's posted interrupts). It is the fastest model, but a device so assigned
 * cannot be shared with another VM, and the VM's memory is pinned (every frame backed before the
 * guest runs, none shared or ballooned, since a device's DMA cannot take a page fault).
 *
 * <p>Which pages the devices may reach, and how the tables say it, are the {@link DmaConfinement}
 * rules' (Lab 5). {@link #unconfined()} assigns the devices without turning the IOMMU on: the guest's DMA
 * addresses then reach machine memory as they are, another VM's frames or the VMM's included,
 * the escape the IOMMU closes (docs/devices.md "IOMMU").
 *
 * <p>The devices run on the VM's clock ({@link AssignedDevice}), so a guest under passthrough
 * keeps exact equivalence with bare metal; that needs a CPU technique under which the guest's
 * code runs unmodified ({@link org.vmlab.vmm.CpuVirtualization#guestRunsDirectly}).
 */
public final class Passthrough implements DeviceVirtualization {
    private static final int[] SOURCES = {Iommu.SOURCE_DISK, Iommu.SOURCE_NIC};

    private final DmaConfinement rules;
    private VirtualMachine vm;
    private IoPageTables tables;
    private PortDevice hostDisk;
    private MmioDevice hostNic;

    private Passthrough(DmaConfinement rules) {
        this.rules = rules;
    }

    /**
     * Devices assigned behind the IOMMU, in the I/O page tables that {@code rules} build (Lab 5's):
     * their DMA reaches the VM's frames and nothing else.
     */
    public static Passthrough confined(DmaConfinement rules) {
        return new Passthrough(java.util.Objects.requireNonNull(rules, "rules"));
    }

    /** Devices assigned with the IOMMU off: their DMA reaches any machine address. */
    public static Passthrough unconfined() {
        return new Passthrough(null);
    }

    @Override
    public String name() {
        return "passthrough";
    }

    /** An assigned device is real hardware: its registers and in-flight DMA are not the VMM's to read. */
    @Override
    public java.util.Optional<String> whyNotCapturable() {
        return java.util.Optional.of("its devices are assigned to it (passthrough): their state is the real"
                + " hardware's, which the VMM cannot read or move (use --devices emulated)");
    }

    /** Whether the IOMMU confines the assigned devices. */
    public boolean isConfined() {
        return rules != null;
    }

    @Override
    public DeviceWiring wiring(Machine host) {
        Iommu iommu = host.iommu();
        return new DeviceWiring() {
            @Override
            public DmaSpace dma(int sourceId, DmaSpace standard) {
                return iommu.dmaFor(sourceId);
            }

            @Override
            public InterruptSink interrupts(int sourceId, InterruptSink standard) {
                return iommu.interruptsFor(sourceId, standard);
            }
        };
    }

    /**
     * Assigns the machine's disk and network interface to {@code vm}: pins its memory, builds the
     * I/O page tables of its frames, points the devices' context and interrupt-remapping entries
     * at them (enabling the IOMMU, if {@linkplain #confined() confined}), and puts the VM's devices
     * where the machine's were on its buses.
     *
     * @throws IllegalStateException if the devices are already assigned to another VM (they
     *                               cannot be shared), or the VM's CPU technique does not run
     *                               the guest's code unmodified
     */
    @Override
    public void attach(VirtualMachine vm) {
        Machine host = vm.host();
        PortDevice disk = host.io().replace(BlockDevice.BASE, AssignedDevice.ports(vm, vm.devices().standard().disk()));
        if (disk instanceof AssignedDevice other) {
            host.io().replace(BlockDevice.BASE, disk);
            throw new IllegalStateException("the disk and the network interface are already assigned to "
                    + other.owner().name() + ": a passed-through device cannot be shared");
        }
        if (vm.cpuVirtualization() != null && !vm.cpuVirtualization().guestRunsDirectly()) {
            host.io().replace(BlockDevice.BASE, disk);
            throw new IllegalStateException("passthrough needs the guest's code to run unmodified on the real CPU"
                    + " (trap-emulate or paravirt), not under " + vm.cpuVirtualization().name());
        }
        this.vm = vm;
        this.hostDisk = disk;
        this.hostNic = host.mmio().replace(NetworkInterface.BASE, AssignedDevice.window(vm, vm.devices().standard().nic()));
        vm.memory().populate("its memory is pinned for the devices assigned to it");
        if (rules != null) {
            program(host);
        }
    }

    /** The I/O page tables of the VM's frames, the context and remapping entries, and the IOMMU on. */
    private void program(Machine host) {
        tables = new IoPageTables(vm.memory().machineFrames(), "iommu of " + vm.name());
        rules.confine(tables, vm.memory());
        IommuRegisters iommu = new IommuRegisters(host, vm.memory().machineFrames());
        for (int source : SOURCES) {
            iommu.setContext(source, tables.directoryFrame());
            iommu.setRemapping(source, source == Iommu.SOURCE_DISK ? BlockDevice.LINE : NetworkInterface.LINE);
            iommu.invalidate(source);
        }
        iommu.enable();
    }

    /** World switch in: the guest reaches its devices' registers directly. */
    @Override
    public void activate(VirtualMachine vm) {
        vm.host().io().permit(BlockDevice.BASE, BlockDevice.PORTS);
        vm.host().mmio().passThrough(NetworkInterface.BASE);
    }

    /** The devices go back to the machine; their entries are cleared and the tables freed. */
    @Override
    public void detach(VirtualMachine vm) {
        Machine host = vm.host();
        host.io().replace(BlockDevice.BASE, hostDisk);
        host.mmio().replace(NetworkInterface.BASE, hostNic);
        if (tables != null) {
            IommuRegisters iommu = new IommuRegisters(host, vm.memory().machineFrames());
            for (int source : SOURCES) {
                iommu.clear(source);
                iommu.invalidate(source);
            }
            tables.free();
            tables = null;
        }
    }

    /** The I/O page tables the devices go through, or null if none (unconfined, or not attached). */
    public IoPageTables tables() {
        return tables;
    }
}
