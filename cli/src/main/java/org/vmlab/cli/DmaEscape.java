package org.vmlab.cli;

import java.util.Arrays;
import org.vmlab.device.passthrough.Passthrough;
import org.vmlab.guests.Attack;
import org.vmlab.guests.AttackSetup;
import org.vmlab.guests.Attacks;
import org.vmlab.guests.Containment;
import org.vmlab.guests.Toyos;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.device.IommuFault;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.memory.PhysicalMemory;
import org.vmlab.vmm.CpuTechnique;
import org.vmlab.vmm.DeviceVirtualization;
import org.vmlab.vmm.Hypervisor;
import org.vmlab.vmm.MemoryTechnique;
import org.vmlab.vmm.VirtualMachine;
import org.vmlab.vmm.VmConfig;
import org.vmlab.vmm.VmmCostModel;

/**
 * The DMA escape that the IOMMU closes: a VM given the machine's disk programs it with the
 * machine address of another VM's secret (a hostile guest, {@code dma-read} or {@code dma-write}),
 * while the other VM runs toyos. Without the IOMMU the disk takes the address as it is; with it,
 * the address is a guest-physical one outside the attacker's memory, and the DMA is blocked and
 * logged.
 */
final class DmaEscape {
    private static final int MACHINE_BYTES = 64 << 20;

    /**
     * What happened.
     *
     * @param attack  the hostile guest
     * @param escaped true if the victim's secret left its memory (onto the attacker's disk) or was overwritten
     * @param fault   the IOMMU's first fault record, or null if it logged none
     */
    record Outcome(Attack attack, boolean escaped, IommuFault fault) {
        String describe() {
            if (escaped) {
                return attack == Attack.DMA_READ ? "ESCAPED: the secret copied onto the attacker's disk"
                        : "ESCAPED: the victim's secret overwritten";
            }
            return fault == null ? "contained" : String.format("blocked: IOMMU fault, source %d, %s at 0x%08x",
                    fault.sourceId(), fault.access().name().toLowerCase(java.util.Locale.ROOT), fault.address());
        }
    }

    private DmaEscape() {
    }

    /** Runs {@code attack} in a VM with the devices assigned as {@code devices} says, beside a victim. */
    static Outcome run(Attack attack, CpuTechnique cpu, MemoryTechnique memory, DeviceVirtualization devices) {
        Hypervisor vmm = new Hypervisor(MachineConfig.builder().isa(IsaVariant.CLASSIC).memoryBytes(MACHINE_BYTES)
                .fuel(Long.MAX_VALUE).build(), VmmCostModel.DEFAULT);
        // The attacker first: its pinned memory takes the first 16 MiB of the pool, so the victim's
        // secret lies at a machine address that is no guest-physical address of the attacker's.
        VirtualMachine attacker = vmm.create(VmConfig.named("attacker").withFuel(Attacks.FUEL), cpu.create(),
                memory.create(), devices);
        VirtualMachine victim = vmm.create(VmConfig.named("victim").withFuel(Toyos.FUEL), cpu.create(), memory.create());
        Toyos.boot(victim, Toyos.image(Toyos.Flavor.NATIVE), "syscall");
        PhysicalMemory scratch = new PhysicalMemory(PhysicalMemory.PAGE_SIZE);
        Attacks.plantSecret(scratch, 0);
        byte[] secret = scratch.read(0, 4 * Attacks.SECRET_WORDS);
        victim.memory().write(Containment.VICTIM_SECRET, secret);
        int target = victim.memory().machineAddress(Containment.VICTIM_SECRET);
        attacker.load(Attacks.image(attack, new AttackSetup(target, MACHINE_BYTES)));

        vmm.run();

        byte[] onDisk = Arrays.copyOf(attacker.devices().standard().disk().contents(), secret.length);
        boolean overwritten = !Arrays.equals(victim.memory().read(Containment.VICTIM_SECRET, secret.length), secret);
        boolean escaped = attack == Attack.DMA_READ ? Arrays.equals(onDisk, secret) : overwritten;
        IommuFault fault = vmm.machine().iommu().faults().isEmpty() ? null : vmm.machine().iommu().faults().get(0);
        return new Outcome(attack, escaped, fault);
    }

    /** The same, with the devices assigned and the IOMMU left off. */
    static Outcome unconfined(Attack attack, CpuTechnique cpu, MemoryTechnique memory) {
        return run(attack, cpu, memory, Passthrough.unconfined());
    }
}
