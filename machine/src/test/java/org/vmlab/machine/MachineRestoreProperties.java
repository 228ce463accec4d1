package org.vmlab.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.vmlab.asm.Assembler;
import org.vmlab.asm.AssemblyException;
import org.vmlab.machine.device.Board;
import org.vmlab.machine.device.DeviceConfig;
import org.vmlab.machine.isa.Instruction;
import org.vmlab.machine.isa.Opcode;
import org.vmlab.machine.isa.Registers;

/**
 * A machine captured at any instruction boundary of a run (its processor's registers, its RAM, its
 * board with every pending device event) and restored on a fresh machine of the same
 * configuration runs on exactly as the original: the same stop, the same console output, disk
 * requests and frames at the same ticks, the same final memory, registers and device state, with
 * the instructions and ticks that were left to run.
 *
 * <p>The programs drive every device by interrupt and sleep in {@code hlt}; the capture point is
 * chosen over the whole run, so it falls with the timer running, a disk request, a transmission
 * and an echo in flight, a line pending or in service.
 *
 * <p>What the processor exposes of itself is its architectural state ({@link CpuSnapshot}): not the
 * interpreter's count of ticks (the restored machine's CPU counts from zero, and its clock reads the
 * captured time on, {@link Clock#restore}), nor a wait in {@code hlt} or the one-instruction
 * shadow of {@code sti}, which last past the boundary after those instructions. So a capture
 * right after either is not taken here.
 */
class MachineRestoreProperties {
    private static final long FUEL = 1_000_000;

    /** Every device, by interrupt: the timer, console input echoed, a disk write read back, two frames echoed. */
    static final String EVERY_DEVICE = """
                    .equ NIC, 0xF0000000
                    .equ READ_BUFFER, 0x20000
                    .org 0x1000
            start:  li   sp, 0x9000
                    la   r1, idt
                    lidt r1
                    la   r2, timer_isr
                    sw   r2, 32*4(r1)
                    la   r2, console_isr
                    sw   r2, 33*4(r1)
                    la   r2, disk_isr
                    sw   r2, 34*4(r1)
                    la   r2, nic_isr
                    sw   r2, 35*4(r1)
                    li   r2, 700
                    out  0x40, r2           ; the timer, every 700 ticks
                    addi r2, r0, 1
                    out  0x3f9, r2          ; the console interrupts while input waits
                    la   r1, NIC
                    la   r2, tx_ring
                    sw   r2, 0x00(r1)       ; TX_BASE
                    addi r2, r0, 4
                    sw   r2, 0x04(r1)       ; TX_SIZE
                    la   r2, rx_ring
                    sw   r2, 0x10(r1)       ; RX_BASE
                    addi r2, r0, 4
                    sw   r2, 0x14(r1)       ; RX_SIZE
                    addi r2, r0, 3
                    sw   r2, 0x1c(r1)       ; RX_TAIL: three buffers offered
                    sw   r2, 0x24(r1)       ; IMS: transmit done and frame received
                    sti
                    addi r2, r0, 5
                    out  0x1f0, r2          ; disk: sector 5
                    addi r2, r0, 1
                    out  0x1f1, r2          ; one sector
                    la   r2, message
                    out  0x1f2, r2
                    addi r2, r0, 2
                    out  0x1f3, r2          ; write
                    sw   r2, 0x0c(r1)       ; TX_TAIL = 2: send two frames
                    li   r5, 1000
                    addi r6, r0, 0
            spin:   add  r6, r6, r5         ; compute while the devices work
                    addi r5, r5, -1
                    cmpi r5, 0
                    bne  spin
                    la   r3, counts
            wrote:  hlt                     ; until the write is done
                    lw   r4, 8(r3)
                    cmpi r4, 1
                    blt  wrote
                    li   r2, READ_BUFFER
                    out  0x1f2, r2
                    addi r2, r0, 1
                    out  0x1f3, r2          ; read sector 5 back
            read:   hlt
                    lw   r4, 8(r3)
                    cmpi r4, 2
                    blt  read
            echoes: hlt                     ; until both echoes are in
                    lw   r4, 12(r3)
                    cmpi r4, 2
                    blt  echoes
                    li   r5, 500
            spin2:  mul  r6, r6, r5
                    addi r5, r5, -1
                    cmpi r5, 0
                    bne  spin2
                    out  0x40, r0           ; stop the timer
                    cli
                    hlt

            timer_isr:
                    addi sp, sp, 4          ; drop the error code
                    push r12
                    push r13
                    la   r12, counts
                    lw   r13, 0(r12)
                    addi r13, r13, 1
                    sw   r13, 0(r12)
                    addi r13, r0, '.'
                    out  0x3f8, r13
                    jmp  eoi
            console_isr:
                    addi sp, sp, 4
                    push r12
                    push r13
                    in   r13, 0x3f8         ; one byte of input, echoed
                    out  0x3f8, r13
                    la   r12, counts
                    lw   r13, 4(r12)
                    addi r13, r13, 1
                    sw   r13, 4(r12)
                    jmp  eoi
            disk_isr:
                    addi sp, sp, 4
                    push r12
                    push r13
                    out  0x1f4, r0          ; clear done
                    la   r12, counts
                    lw   r13, 8(r12)
                    addi r13, r13, 1
                    sw   r13, 8(r12)
                    addi r13, r0, 'd'
                    out  0x3f8, r13
                    jmp  eoi
            nic_isr:
                    addi sp, sp, 4
                    push r12
                    push r13
                    la   r12, NIC
                    lw   r13, 0x20(r12)     ; ICR, cleared by reading
                    lw   r13, 0x18(r12)     ; RX_HEAD: the frames received
                    la   r12, counts
                    sw   r13, 12(r12)
                    addi r13, r0, 'n'
                    out  0x3f8, r13
            eoi:    addi r12, r0, 0x20
                    out  0x20, r12
                    pop  r13
                    pop  r12
                    iret

                    .align 16
            tx_ring: .word frame1, frame1_end - frame1, 0, 0
                    .word frame2, frame2_end - frame2, 0, 0
                    .space 2 * 16
            rx_ring: .word 0x21000, 2048, 0, 0
                    .word 0x21800, 2048, 0, 0
                    .word 0x22000, 2048, 0, 0
                    .space 16
            frame1: .ascii "hello, wire"
            frame1_end:
            frame2: .ascii "and again"
            frame2_end:
                    .align 4
            counts: .word 0, 0, 0, 0        ; timer, console, disk, frames received
            message: .ascii "the disk remembers this"
                    .space 512
                    .align 4
            idt:    .space 1024
            """;

    /** A program the capture is taken from, on a machine of its own configuration. */
    enum Program {
        EVERY_DEVICE(MachineRestoreProperties.EVERY_DEVICE, DeviceConfig.defaults().withConsoleInput("hi!"),
                machine -> { }),
        DISK_READ(DeviceDmaTest.DISK_READ, DeviceConfig.defaults().withDiskImage(diskImage()),
                machine -> { }),
        ECHO(DeviceDmaTest.ECHO, DeviceConfig.defaults(), machine -> { }),
        /** The frame sent with its interrupt masked, then IMS written with interrupts on. */
        NIC_IMS_WRITE(NicPrograms.imsWrite("", ""), DeviceConfig.defaults(), machine -> {
            int idt = 0x100;
            machine.loadWords(idt + 35 * 4, machine.symbols().address("nic").orElseThrow());
            machine.cpu().setIdtr(idt);
            machine.cpu().setRegister(Registers.SP, 0x9000);
            machine.cpu().setFlags(Registers.FLAG_IF);
        });

        private final String source;
        private final DeviceConfig devices;
        private final Consumer<Machine> prepare;

        Program(String source, DeviceConfig devices, Consumer<Machine> prepare) {
            this.source = source;
            this.devices = devices;
            this.prepare = prepare;
        }

        MachineConfig config(long fuel) {
            return MachineConfig.builder().memoryBytes(1 << 20).fuel(fuel).devices(devices).build();
        }

        Machine boot() {
            Machine machine = new Machine(config(FUEL));
            try {
                machine.load(Assembler.assembleSource(source));
            } catch (AssemblyException e) {
                throw new IllegalStateException(e);
            }
            prepare.accept(machine);
            return machine;
        }

        /** The instructions of a whole run. */
        long length() {
            return boot().run().instructions();
        }

        private static byte[] diskImage() {
            byte[] image = new byte[8 * 512];
            for (int i = 0; i < image.length; i++) {
                image[i] = (byte) (i / 512 + 1);
            }
            return image;
        }
    }

    /**
     * What is captured of a machine between two instructions: the processor's registers, RAM, the
     * board's state, and how far the run had come.
     */
    record Capture(CpuSnapshot cpu, byte[] ram, Board.State board, long instructions, long ticks) {
        static Capture of(Machine machine) {
            return new Capture(machine.cpu().snapshot(),
                    machine.memory().read(0, machine.memory().size()), machine.board().state(),
                    machine.cpu().instructions(), machine.cpu().ticks());
        }

        /**
         * A fresh machine of {@code config} (with the fuel that was left) put in the captured
         * state: RAM, the registers as a loader sets them, then the board.
         */
        Machine restore(MachineConfig config) {
            Machine machine = new Machine(new MachineConfig(config.isa(), config.memoryBytes(),
                    config.tlbEntries(), config.fuel() - instructions, config.devices(),
                    config.costModel()));
            machine.memory().write(0, ram);
            Cpu target = machine.cpu();
            int[] registers = cpu.registers();
            for (int n = 1; n < Registers.COUNT; n++) {
                target.setRegister(n, registers[n]);
            }
            target.setPc(cpu.pc());
            target.setFlags(cpu.flags());
            target.setControlRegister(Registers.CR5, cpu.cr5());   // before cr0, which may tag with it
            target.setControlRegister(Registers.CR0, cpu.cr0());
            target.setControlRegister(Registers.CR3, cpu.cr3());
            target.setControlRegister(Registers.CR2, cpu.cr2());
            target.setControlRegister(Registers.CR4, cpu.cr4());
            target.setIdtr(cpu.idtr());
            machine.restoreDevices(board);
            return machine;
        }
    }

    record Point(Program program, long at) {
    }

    @Provide
    Arbitrary<Point> points() {
        return Arbitraries.of(Program.class).flatMap(program ->
                Arbitraries.longs().between(0, program.length() - 1).map(at -> new Point(program, at)));
    }

    @Property(tries = 150, seed = "1108")
    void aMachineRestoredFromACaptureRunsOnExactlyAsTheOriginal(@ForAll("points") Point point) {
        Machine original = point.program().boot();
        assertThat(original.cpu().run(FUEL, point.at())).isEqualTo(StopReason.FUEL_EXHAUSTED);
        Assume.that(!afterStiOrHlt(original));

        assertRestoredRunsOnAsTheOriginal(point.program(), original);
    }

    @Example
    void aCaptureWithEveryKindOfDeviceEventPendingRestoresThemAll() {
        Machine original = Program.EVERY_DEVICE.boot();
        original.cpu().run(FUEL, 600);

        assertThat(original.clock().pending()).extracting(e -> e.what().getClass().getSimpleName())
                .contains("Expiry", "Request", "Transmission", "Arrival");
        assertThat(afterStiOrHlt(original)).isFalse();
        assertRestoredRunsOnAsTheOriginal(Program.EVERY_DEVICE, original);
    }

    @Example
    void theProgramUsesEveryDeviceAndHalts() {
        RunResult result = Program.EVERY_DEVICE.boot().run();

        assertThat(result.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(result.console()).as("input echoed, then a mark per interrupt").startsWith("hi!")
                .contains(".", "n");
        assertThat(result.console().chars().filter(c -> c == 'd').count()).as("disk interrupts").isEqualTo(2);
        assertThat(result.observables().diskRequests()).hasSize(2);
        assertThat(result.observables().frames()).hasSize(4);
        assertThat(result.ticks()).as("it waited in hlt").isGreaterThan(result.instructions());
    }

    private static void assertRestoredRunsOnAsTheOriginal(Program program, Machine original) {
        Capture capture = Capture.of(original);
        Machine restored = capture.restore(program.config(FUEL));
        assertThat(restored.board().state()).isEqualTo(capture.board());
        assertThat(restored.cpu().snapshot()).isEqualTo(capture.cpu());

        RunResult expected = original.run();
        RunResult actual = restored.run();

        assertThat(actual.stopReason()).isEqualTo(expected.stopReason());
        assertThat(actual.stopDetail()).isEqualTo(expected.stopDetail());
        assertThat(actual.observables()).isEqualTo(expected.observables());
        assertThat(actual.instructions()).isEqualTo(expected.instructions() - capture.instructions());
        assertThat(actual.ticks()).isEqualTo(expected.ticks() - capture.ticks());
        assertThat(restored.board().state()).isEqualTo(original.board().state());
        assertThat(restored.clock().now()).isEqualTo(original.clock().now());
    }

    /**
     * Whether the instruction before pc is {@code sti} or {@code hlt}, so that the last one retired
     * may have been one of them (the programs run with paging off).
     */
    private static boolean afterStiOrHlt(Machine machine) {
        int pc = machine.cpu().pc();
        if (pc < 4 || !machine.memory().contains(pc - 4, 4)) {
            return false;
        }
        Instruction previous = Instruction.decode(machine.memory().readWord(pc - 4));
        return previous != null
                && (previous.opcode() == Opcode.STI || previous.opcode() == Opcode.HLT);
    }
}
