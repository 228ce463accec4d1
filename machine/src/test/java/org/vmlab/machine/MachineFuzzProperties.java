package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.vmlab.machine.image.Image;
import org.vmlab.machine.image.Segment;
import org.vmlab.machine.image.SymbolTable;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.IsaVariant;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;
import org.vmlab.machine.memory.Pte;

/**
 * The machine never hangs on a loaded image, whatever its contents: random memory, a random
 * entry, a random interrupt table (gates into code, into zeros, into nowhere), sometimes paging
 * with tables that map all of the address space onto one frame, sometimes ring 3. Every run ends
 * within its fuel, with a stop reason, and never throws. The seed is fixed.
 */
class MachineFuzzProperties {

    private static final int MEMORY = 256 << 10;
    private static final long FUEL = 2_000;
    private static final Duration BOUND = Duration.ofSeconds(5);

    /** A machine to run, with how it was made (for the report of a failure). */
    record Setup(Machine machine, String description) {
        @Override
        public String toString() {
            return description;
        }
    }

    @Property(tries = 300, seed = "1202")
    void everyRunEndsWithinItsFuel(@ForAll("machines") Setup setup) {
        Machine machine = setup.machine();
        RunResult result = assertTimeoutPreemptively(BOUND, machine::run,
                () -> "the machine ran past " + BOUND + ": " + setup);
        assertThat(result.stopReason()).as(setup.description()).isNotNull();
        assertThat(result.instructions()).as(setup.description()).isLessThanOrEqualTo(FUEL);
        // a second run goes on with what fuel is left, and ends too
        RunResult again = assertTimeoutPreemptively(BOUND, machine::run,
                () -> "the second run ran past " + BOUND + ": " + setup);
        assertThat(again.stopReason()).as(setup.description()).isNotNull();
    }

    @Provide
    Arbitrary<Setup> machines() {
        return Arbitraries.randomValue(MachineFuzzProperties::randomMachine);
    }

    /** A machine made from {@code random}: the same seed makes the same machine. */
    static Setup randomMachine(Random random) {
        return randomMachine(random, EngineFactory.INTERPRETER);
    }

    /** As above, run by the engine {@code engine} makes. */
    static Setup randomMachine(Random random, EngineFactory engine) {
        StringBuilder how = new StringBuilder();
        IsaVariant isa = random.nextBoolean() ? IsaVariant.CLASSIC : IsaVariant.LEGACY;
        Machine machine = new Machine(MachineConfig.builder().isa(isa).memoryBytes(MEMORY)
                .fuel(FUEL).engine(engine).build());
        byte[] contents = new byte[MEMORY];
        int kind = random.nextInt(4);
        how.append(isa).append(", memory ").append(kind == 0 ? "random bytes" : "random instructions");
        for (int a = 0; a < MEMORY; a += 4) {
            int word = kind == 0 || random.nextInt(8) == 0 ? random.nextInt() : instruction(random);
            if (kind == 3 && random.nextInt(4) == 0) {
                word = 0;   // patches of zeros: #UD wherever they are run
            }
            for (int b = 0; b < 4; b++) {
                contents[a + b] = (byte) (word >>> (8 * b));
            }
        }
        int entry = random.nextInt(8) == 0 ? random.nextInt() : random.nextInt(MEMORY) & ~(random.nextInt(8) == 0 ? 0 : 3);
        machine.load(new Image(entry, List.of(new Segment("ram", 0, contents)), SymbolTable.empty()));
        how.append(String.format(", entry 0x%08x", entry));

        Cpu cpu = machine.cpu();
        int idt = random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(MEMORY - 1024) & ~3;
        cpu.setIdtr(idt);
        int gates = random.nextInt(4);
        for (int v = 0; v < 256 && (idt & 3) == 0 && idt >= 0 && idt < MEMORY - 1024; v++) {
            int handler = switch (gates) {
                case 0 -> random.nextInt();                                      // anywhere
                case 1 -> random.nextInt(MEMORY) & ~3 | random.nextInt(4);        // into RAM
                case 2 -> (random.nextInt(MEMORY) & ~3) | 3;                      // into RAM, DPL 3
                default -> entry & ~3 | 3;                                         // back at the entry
            };
            machine.memory().writeWord(idt + 4 * v, handler);
        }
        how.append(String.format(", idt 0x%08x, gates %d", idt, gates));
        int sp = random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(MEMORY) & ~3;
        cpu.setRegister(Registers.SP, sp);
        cpu.setControlRegister(Registers.CR4, random.nextBoolean() ? sp : random.nextInt());
        how.append(String.format(", sp 0x%08x", sp));
        if (random.nextInt(3) == 0) {
            how.append(", paging");
            int directory = (random.nextInt(MEMORY) & Pte.FRAME_MASK);
            if (random.nextBoolean()) {
                // every virtual page onto one frame: a stack that runs down never leaves RAM
                int table = random.nextInt(MEMORY) & Pte.FRAME_MASK;
                int frame = random.nextInt(MEMORY) & Pte.FRAME_MASK;
                int flags = Pte.PRESENT | Pte.WRITABLE | (random.nextBoolean() ? Pte.USER : 0);
                for (int i = 0; i < 1024; i++) {
                    machine.memory().writeWord(directory + 4 * i, Pte.entry(table, flags));
                    machine.memory().writeWord(table + 4 * i, Pte.entry(frame, flags));
                }
                how.append(String.format(" (all of it onto frame 0x%x)", frame));
            }
            cpu.setControlRegister(Registers.CR3, directory);
            cpu.setControlRegister(Registers.CR0, Registers.CR0_PG | (random.nextBoolean() ? Registers.CR0_WP : 0));
        }
        int flags = 0;
        if (random.nextInt(3) == 0) {
            flags |= 3 << Registers.CPL_SHIFT;
            how.append(", ring 3");
        }
        if (random.nextBoolean()) {
            flags |= Registers.FLAG_IF;
            how.append(", IF");
        }
        cpu.setFlags(flags);
        if (random.nextInt(3) == 0) {
            int period = 1 + random.nextInt(50);
            machine.devices().timer().program(period);   // a timer that interrupts every few ticks
            how.append(", timer every ").append(period);
        }
        return new Setup(machine, how.toString());
    }

    /** A valid instruction of any opcode with random fields. */
    private static int instruction(Random random) {
        Opcode[] ops = Opcode.values();
        Opcode op = ops[random.nextInt(ops.length)];
        int imm = switch (random.nextInt(3)) {
            case 0 -> random.nextInt(16) - 8;
            case 1 -> random.nextInt(1 << 16);
            default -> random.nextInt(64) * 4 - 128;
        };
        if (op.format().operands().contains(org.vmlab.machine.isa.Format.Operand.TARGET)) {
            imm = random.nextInt(1 << 12) - (1 << 11);
            return new Instruction(op, 0, 0, 0, imm).encode();
        }
        return (op.code() << 24) | random.nextInt(16) << 20 | random.nextInt(16) << 16
                | (imm & 0xFFFF);
    }

}
