package org.vmlab.guests;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.asm.SourceLoader;
import org.vmlab.machine.Machine;
import org.vmlab.machine.image.Image;
import org.vmlab.vmm.VirtualMachine;

/**
 * toyos, the guest operating system, and its workloads.
 *
 * <p>The sources are resources under {@code org/vmlab/guests/toyos/}; {@code docs/toyos.md}
 * describes the system. A run: {@link #image} assembles the kernel, {@link #boot} loads it into a
 * fresh machine and writes the workload's name on the kernel's command line, the machine runs
 * until toyos powers off, and the console then reads exactly {@link #expectedOutput}.
 *
 * <pre>{@code
 * Machine m = new Machine(MachineConfig.builder().fuel(Toyos.FUEL).build());
 * Toyos.boot(m, "compute");
 * RunResult r = m.run();   // HALT, r.console().equals(Toyos.expectedOutput("compute"))
 * }</pre>
 */
public final class Toyos {
    /** Which kernel to build from the one source. */
    public enum Flavor {
        /** The unmodified kernel: privileged instructions, for bare metal and full virtualization. */
        NATIVE,
        /**
         * The paravirtual kernel, assembled with {@code PARAVIRT=1}: the macros of {@code privops.s}
         * become hypercalls and stores to the shared-info page, its page tables hold machine frames
         * and change through the hypervisor, and its interrupts come as events (docs/paravirt.md).
         * It runs only on a hypervisor that offers that interface ({@code --cpu paravirt --mem pv-mmu}).
         */
        PARAVIRT
    }

    /** How the kernel reaches its disk and network card. */
    public enum Drivers {
        /** The drivers program the devices' registers (in the paravirtual build too: the accesses exit). */
        EMULATED,
        /**
         * Split drivers, assembled with {@code SPLIT=1}, for the paravirtual build only: the front
         * ends {@code blkfront} and {@code netfront} share granted ring pages with back ends in
         * domain 0 and notify them through an event channel (docs/toyos.md, "Split drivers"). The
         * kernel then runs only on a hypervisor that gives the VM split back ends.
         */
        SPLIT
    }

    /** The directory of the sources, as a classpath resource path. */
    public static final String SOURCE_DIR = "org/vmlab/guests/toyos/";
    /** The main source file, which includes the others. */
    public static final String MAIN_SOURCE = SOURCE_DIR + "toyos.s";
    /** The kernel symbol at which {@link #boot} writes the command line. */
    public static final String CMDLINE_SYMBOL = "boot_cmdline";
    /** The longest command line, in bytes (the kernel's buffer holds one more, for the NUL). */
    public static final int CMDLINE_MAX = 31;
    /** Fuel that is enough for any workload (the largest needs under 10 million instructions). */
    public static final long FUEL = 50_000_000L;

    /** The workloads, in the order a menu shows them. "all" is also what an empty line runs. */
    private static final List<String> WORKLOADS = List.of(
            "all", "compute", "syscall", "pagefault", "ctxswitch", "forkwait", "disk", "net",
            "fault");

    // Parameters of the workloads, as their sources define them.
    private static final int COMPUTE_ITERATIONS = 1_000_000;
    private static final int ALL_ITERATIONS = 200_000;
    private static final int ALL_WORKERS = 3;
    private static final int FORKWAIT_CHILDREN = 100;
    private static final int MEMHOG_STEP = 20_000;

    private static final String BANNER = "toyos: boot\ntoyos: paging on\n";
    private static final String POWER_OFF = "toyos: no processes left, power off\n";

    private Toyos() {
    }

    /** The names of the workloads a command line may select. */
    public static List<String> workloads() {
        return WORKLOADS;
    }

    /**
     * One line about what {@code workload} exercises, for menus and the {@code demo} command.
     *
     * @throws IllegalArgumentException if there is no such workload
     */
    public static String description(String workload) {
        return switch (workload.isEmpty() ? "all" : workload) {
            case "all" -> "three compute workers at once under timer preemption";
            case "compute" -> "an arithmetic loop, 1,000,000 iterations, in user mode";
            case "syscall" -> "10,000 getpid system calls";
            case "pagefault" -> "demand paging of 256 pages, copy-on-write fork, exec";
            case "ctxswitch" -> "two processes ping-pong through yield, 1,000 rounds each";
            case "forkwait" -> "100 times: fork a child that exits at once, and wait for it";
            case "disk" -> "16 sectors written and read back by DMA, interrupt-driven";
            case "net" -> "8 frames sent to the echo peer and their echoes received";
            case "fault" -> "faulting user processes are killed; the kernel survives";
            default -> throw new IllegalArgumentException("no such toyos workload: " + workload
                    + " (known: " + String.join(", ", WORKLOADS) + ")");
        };
    }

    /** Assembles the kernel and its user programs, with emulated drivers (about a millisecond; not cached). */
    public static Image image(Flavor flavor) {
        return image(flavor, Drivers.EMULATED);
    }

    /**
     * The native kernel with one more user program, {@code memhog K} (docs/toyos.md), for
     * {@code vmlab experiment consolidation}: built apart (MEMHOG=1) so that the standard image,
     * and so every other program's layout and figures, stay as they are.
     */
    public static Image memhogImage() {
        return image(Flavor.NATIVE, Drivers.EMULATED, Map.of("MEMHOG", 1));
    }

    /**
     * Assembles the kernel and its user programs with {@code drivers}.
     *
     * @throws IllegalArgumentException for split drivers in the native kernel, which has no
     *                                  hypercalls to reach a back end with
     */
    public static Image image(Flavor flavor, Drivers drivers) {
        return image(flavor, drivers, Map.of());
    }

    /**
     * Assembles the kernel with {@code drivers} and the split front ends' settings in
     * {@code tuning} ({@code NET_RING_SIZE}: 2, 4, 8 or 16 slots in each network ring, 16 if not
     * given; {@code SPLIT_NOTIFY_ALWAYS}: 1 to notify the back end at every push, without
     * notification suppression), for experiments on the rings.
     *
     * @throws IllegalArgumentException for split drivers in the native kernel, which has no
     *                                  hypercalls to reach a back end with, or a setting the
     *                                  kernel refuses (the assembler's message)
     */
    public static Image image(Flavor flavor, Drivers drivers, Map<String, Integer> tuning) {
        if (drivers == Drivers.SPLIT && flavor != Flavor.PARAVIRT) {
            throw new IllegalArgumentException("split drivers need the paravirtual kernel (Flavor.PARAVIRT)");
        }
        Map<String, Integer> defines = new java.util.LinkedHashMap<>(tuning);
        defines.put("PARAVIRT", flavor == Flavor.PARAVIRT ? 1 : 0);
        defines.put("SPLIT", drivers == Drivers.SPLIT ? 1 : 0);
        Assembler assembler = new Assembler(SourceLoader.classpath(Toyos.class.getClassLoader()));
        try {
            return assembler.assemble(MAIN_SOURCE, defines);
        } catch (AssemblyException e) {
            if (!tuning.isEmpty()) {
                throw new IllegalArgumentException("toyos refuses " + tuning + ": " + e.getMessage(), e);
            }
            throw new IllegalStateException("toyos does not assemble: " + e.getMessage(), e);
        }
    }

    /** Loads the native kernel into {@code machine} and selects {@code workload}. */
    public static void boot(Machine machine, String workload) {
        boot(machine, image(Flavor.NATIVE), workload);
    }

    /**
     * Loads {@code image} (a toyos image, see {@link #image}) into {@code machine}: every segment
     * at its address, pc at the entry point; then writes {@code workload}, NUL-terminated, at
     * {@link #CMDLINE_SYMBOL}. The machine must be fresh (reset state).
     *
     * @throws IllegalArgumentException if the workload name is longer than {@link #CMDLINE_MAX}
     *                                  bytes or contains a NUL
     */
    public static void boot(Machine machine, Image image, String workload) {
        byte[] cmdline = commandLine(workload);
        machine.load(image);
        machine.memory().write(cmdlineAddress(image), cmdline);
    }

    /**
     * Loads {@code image} into virtual machine {@code vm}, as {@link #boot(Machine, Image, String)}
     * loads it into a bare machine: the same bytes at the same guest-physical addresses.
     */
    public static void boot(VirtualMachine vm, Image image, String workload) {
        byte[] cmdline = commandLine(workload);
        vm.load(image);
        vm.memory().write(cmdlineAddress(image), cmdline);
    }

    /** The command line's bytes, NUL-terminated. */
    private static byte[] commandLine(String workload) {
        byte[] cmdline = workload.getBytes(StandardCharsets.US_ASCII);
        if (cmdline.length > CMDLINE_MAX || workload.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a toyos command line has at most " + CMDLINE_MAX
                    + " characters and no NUL: \"" + workload + "\"");
        }
        byte[] withNul = new byte[cmdline.length + 1];
        System.arraycopy(cmdline, 0, withNul, 0, cmdline.length);
        return withNul;
    }

    private static int cmdlineAddress(Image image) {
        return image.symbols().address(CMDLINE_SYMBOL).orElseThrow(
                () -> new IllegalArgumentException("not a toyos image: no symbol " + CMDLINE_SYMBOL));
    }

    /**
     * The console output of a complete run of {@code workload}: toyos's banner, the workload's
     * lines, and the power-off line. The same on every ISA variant, flavor and VMM technique.
     *
     * @throws IllegalArgumentException if there is no such workload
     */
    public static String expectedOutput(String workload) {
        String name = workload.isEmpty() ? "all" : workload.toLowerCase(Locale.ROOT);
        return BANNER + switch (name) {
            case "all" -> {
                StringBuilder s = new StringBuilder();
                for (int w = 1; w <= ALL_WORKERS; w++) {
                    s.append("init: worker ").append(w).append(" checksum=")
                            .append(hex(checksum(w, ALL_ITERATIONS))).append('\n');
                }
                yield s.append("init: all workers done\n").toString();
            }
            case "compute" -> "compute: " + COMPUTE_ITERATIONS + " iterations, checksum="
                    + hex(checksum(1, COMPUTE_ITERATIONS)) + "\n";
            // init is pid 1; the workload runs in its child, pid 2
            case "syscall" -> "syscall: 10000 getpid calls returned pid 2\n";
            case "pagefault" -> "pagefault: touched 256 new pages, sum 32896\n"
                    + "pagefault: after fork, child wrote 64 pages, child sum 96896, parent sum 32896\n"
                    + "hello: running after exec\n"
                    + "pagefault: exec child exited with status 7\n";
            case "ctxswitch" -> "ctxswitch: parent yielded 1000 times, child yielded 1000 times\n";
            // each child exits with status 1, so the sum of the statuses counts the reaped
            case "forkwait" -> "forkwait: forked " + FORKWAIT_CHILDREN + " children, reaped "
                    + FORKWAIT_CHILDREN + "\n";
            case "disk" -> "disk: wrote 16 sectors, read them back: OK, checksum "
                    + hex(diskChecksum()) + "\n";
            case "net" -> "net: sent 8 frames, received 8 echoes, 3280 bytes, OK\n";
            case "fault" -> faultOutput();
            // not a workload of the menu: a program of memhogImage() for the consolidation experiment
            case "memhog" -> "memhog: 96 pages touched and freed, checksum="
                    + hex(checksum(1, 10 * MEMHOG_STEP)) + "\n";
            default -> throw new IllegalArgumentException("no such toyos workload: " + workload
                    + " (known: " + String.join(", ", WORKLOADS) + ")");
        } + POWER_OFF;
    }

    /** {@code lines} as a complete run prints them: after toyos's banner, before its power-off line. */
    static String framed(String lines) {
        return BANNER + lines + POWER_OFF;
    }

    /** The arithmetic loop of the compute workloads ({@code checksum} in user_lib.s). */
    static int checksum(int seed, int iterations) {
        int x = seed;
        for (int i = 0; i < iterations; i++) {
            x = x * 1103515245 + 12345;
            x ^= x >>> 15;
        }
        return x;
    }

    /** The disk workload's pattern is word k = k * 2654435761 + 17 over 16 sectors; their sum. */
    private static int diskChecksum() {
        int sum = 0;
        for (int k = 0; k < 16 * 512 / 4; k++) {
            sum += k * (int) 2654435761L + 17;
        }
        return sum;
    }

    private static String faultOutput() {
        String[] kills = {
            "page fault at 0x00000010",   // null pointer
            "page fault at 0x00001000",   // the kernel's memory, supervisor-only
            "general protection fault",   // cli in ring 3
            "divide error",
            "page fault at 0x01000000",   // an unmapped buffer handed to write
            "page fault at 0x01000000",   // an unmapped buffer handed to a disk read
        };
        StringBuilder s = new StringBuilder();
        int pid = 3;                      // init 1, the fault program 2, its children 3..
        for (String kill : kills) {
            s.append("toyos: pid ").append(pid++).append(" killed: ").append(kill).append('\n');
            s.append("fault: child exit status 0xffffffff\n");
        }
        return s.append("fault: disk read afterwards returned 0x00000000\n")
                .append("fault: the kernel survived every fault\n").toString();
    }

    private static String hex(int value) {
        return String.format("0x%08x", value);
    }
}
