package org.vmlab.vmm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The techniques registered on a class path, by name: each name once. */
public final class Techniques {
    private final List<CpuTechnique> cpu;
    private final List<MemoryTechnique> memory;
    private final List<DeviceTechnique> devices;
    private final List<org.vmlab.vmm.overcommit.SharingRules> sharing;
    private final List<org.vmlab.vmm.migration.PreCopyPolicy> preCopy = new ArrayList<>();

    /**
     * @throws IllegalArgumentException if two techniques of a kind have the same name: one would
     *                                  silently hide the other
     */
    Techniques(List<CpuTechnique> cpu, List<MemoryTechnique> memory, List<DeviceTechnique> devices,
            List<org.vmlab.vmm.overcommit.SharingRules> sharing) {
        this.cpu = List.copyOf(cpu);
        this.memory = List.copyOf(memory);
        this.devices = List.copyOf(devices);
        this.sharing = List.copyOf(sharing);
        if (this.sharing.size() > 1) {
            throw new IllegalArgumentException("two page-sharing rules are registered: "
                    + this.sharing.get(0).getClass().getName() + " and " + this.sharing.get(1).getClass().getName());
        }
        unique("CPU", this.cpu, CpuTechnique::name);
        unique("memory", this.memory, MemoryTechnique::name);
        unique("device", this.devices, DeviceTechnique::name);
    }

    private static <T> void unique(String kind, List<T> techniques, java.util.function.Function<T, String> name) {
        java.util.Map<String, T> byName = new java.util.HashMap<>();
        for (T technique : techniques) {
            T taken = byName.putIfAbsent(name.apply(technique), technique);
            if (taken != null) {
                throw new IllegalArgumentException("two " + kind + " techniques are named '"
                        + name.apply(technique) + "': " + taken.getClass().getName() + " and "
                        + technique.getClass().getName());
            }
        }
    }

    /** The techniques that {@code loader} can see. */
    public static Techniques installed(ClassLoader loader) {
        List<CpuTechnique> cpu = new ArrayList<>();
        ServiceLoader.load(CpuTechnique.class, loader).forEach(cpu::add);
        List<MemoryTechnique> memory = new ArrayList<>();
        ServiceLoader.load(MemoryTechnique.class, loader).forEach(memory::add);
        List<DeviceTechnique> devices = new ArrayList<>();
        ServiceLoader.load(DeviceTechnique.class, loader).forEach(devices::add);
        List<org.vmlab.vmm.overcommit.SharingRules> sharing = new ArrayList<>();
        ServiceLoader.load(org.vmlab.vmm.overcommit.SharingRules.class, loader).forEach(sharing::add);
        Techniques techniques = new Techniques(cpu, memory, devices, sharing);
        ServiceLoader.load(org.vmlab.vmm.migration.PreCopyPolicy.class, loader).forEach(techniques.preCopy::add);
        return techniques;
    }

    /**
     * The page-sharing rules registered (a {@link org.vmlab.vmm.overcommit.SharingRules} service:
     * Lab 7's), if any.
     */
    public Optional<org.vmlab.vmm.overcommit.SharingRules> sharingRules() {
        return sharing.stream().findFirst();
    }

    /**
     * The pre-copy policy registered (a {@link org.vmlab.vmm.migration.PreCopyPolicy} service:
     * Lab 7's), if any; the first if several.
     */
    public Optional<org.vmlab.vmm.migration.PreCopyPolicy> preCopyPolicy() {
        return preCopy.stream().findFirst();
    }

    public Optional<CpuTechnique> cpu(String name) {
        return cpu.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public Optional<MemoryTechnique> memory(String name) {
        return memory.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public Optional<DeviceTechnique> devices(String name) {
        return devices.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public List<String> deviceNames() {
        return devices.stream().map(DeviceTechnique::name).toList();
    }

    public List<String> cpuNames() {
        return cpu.stream().map(CpuTechnique::name).toList();
    }

    public List<String> memoryNames() {
        return memory.stream().map(MemoryTechnique::name).toList();
    }
}
