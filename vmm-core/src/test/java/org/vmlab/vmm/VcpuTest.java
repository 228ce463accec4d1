package org.vmlab.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vmlab.machine.isa.Registers.CPL_SHIFT;
import static org.vmlab.machine.isa.Registers.FLAG_C;
import static org.vmlab.machine.isa.Registers.FLAG_IF;
import static org.vmlab.machine.isa.Registers.FLAG_Z;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vmlab.machine.Cpu;
import org.vmlab.machine.CpuSnapshot;
import org.vmlab.machine.Machine;
import org.vmlab.machine.MachineConfig;
import org.vmlab.machine.StopReason;
import org.vmlab.machine.isa.Registers;

/**
 * The vCPU: what the guest believes of its processor (ring, IF, control registers) kept virtual,
 * the rest on the real CPU while loaded; the guest's own time.
 */
class VcpuTest {
    private final Cpu cpu = new Machine(MachineConfig.builder().memoryBytes(1 << 16).build()).cpu();
    private final Vcpu vcpu = new Vcpu(cpu, 0x1000);

    @ParameterizedTest(name = "virtual ring {0} runs in ring {1}")
    @CsvSource({"0, 1", "1, 2", "2, 2", "3, 3"})
    void ringCompressionRunsTheGuestKernelInRing1AndNeverInRing0(int virtual, int real) {
        vcpu.setFlags(virtual << CPL_SHIFT);
        vcpu.load();

        assertThat(vcpu.virtualRing()).isEqualTo(virtual);
        assertThat(vcpu.realRing()).isEqualTo(real);
        assertThat(cpu.cpl()).isEqualTo(real);
        assertThat(vcpu.flags() >>> CPL_SHIFT & 3).as("the guest sees its own ring").isEqualTo(virtual);
    }

    @Test
    void anotherBindingDecidesTheRealRingAndFlagsWhileTheGuestStillSeesItsOwn() {
        VcpuBinding asItIs = new VcpuBinding() {   // as a VMCS binding would: the guest keeps ring 0
            @Override
            public void enter(Machine host) {
            }

            @Override
            public int realFlags(int guestFlags) {
                return guestFlags;
            }

            @Override
            public int realRing(int virtualRing) {
                return virtualRing;
            }
        };
        Vcpu bound = new Vcpu(cpu, 0x1000, asItIs);
        bound.setFlags(Registers.FLAG_Z);   // ring 0, interrupts off

        bound.load();

        assertThat(cpu.cpl()).isZero();
        assertThat(cpu.flags() & Registers.FLAG_IF).as("the real IF is the guest's").isZero();
        assertThat(bound.flags()).isEqualTo(Registers.FLAG_Z);
        assertThat(vcpu.binding()).as("the default").isSameAs(RingCompression.INSTANCE);
    }

    @Test
    void theRealInterruptFlagStaysOnWhateverTheGuestSets() {
        vcpu.load();
        vcpu.setFlags(FLAG_Z);

        assertThat(vcpu.virtualInterruptsEnabled()).isFalse();
        assertThat(vcpu.flags() & FLAG_IF).isZero();
        assertThat(cpu.interruptsEnabled()).as("the VMM keeps control").isTrue();

        vcpu.setVirtualInterruptsEnabled(true);
        assertThat(vcpu.flags() & FLAG_IF).isEqualTo(FLAG_IF);
    }

    @Test
    void flagsAreTheRealConditionBitsWithTheVirtualIfAndRing() {
        vcpu.setFlags(FLAG_IF | 3 << CPL_SHIFT);
        vcpu.load();
        cpu.setFlags(cpu.flags() | FLAG_Z | FLAG_C);   // as a compare on the real CPU would

        assertThat(vcpu.flags()).isEqualTo(FLAG_Z | FLAG_C | FLAG_IF | 3 << CPL_SHIFT);
    }

    @Test
    void setFlagsWhileLoadedPutsTheConditionsOnTheRealCpuInTheCompressedRing() {
        vcpu.load();

        vcpu.setFlags(FLAG_C | 0 << CPL_SHIFT);

        assertThat(cpu.flags()).isEqualTo(FLAG_C | FLAG_IF | 1 << CPL_SHIFT);
    }

    @Test
    void aWorldSwitchSavesAndRestoresRegistersPcAndConditionsThroughTheRealCpu() {
        Vcpu other = new Vcpu(cpu, 0x8000);
        vcpu.setRegister(3, 33);
        vcpu.setRegister(Registers.SP, 0x9000);
        vcpu.setFlags(FLAG_Z | FLAG_IF);
        vcpu.load();
        assertThat(vcpu.loaded()).isTrue();
        assertThat(cpu.register(3)).isEqualTo(33);
        assertThat(cpu.pc()).isEqualTo(0x1000);
        cpu.setRegister(4, 44);   // the guest runs
        cpu.setPc(0x1010);

        vcpu.save();
        other.load();
        assertThat(cpu.register(3)).as("the other vCPU's registers").isZero();
        assertThat(cpu.pc()).isEqualTo(0x8000);
        cpu.setRegister(3, 99);
        other.save();
        vcpu.load();

        assertThat(vcpu.loaded()).isTrue();
        assertThat(other.loaded()).isFalse();
        assertThat(cpu.register(3)).isEqualTo(33);
        assertThat(cpu.register(4)).isEqualTo(44);
        assertThat(cpu.register(Registers.SP)).isEqualTo(0x9000);
        assertThat(cpu.pc()).isEqualTo(0x1010);
        assertThat(vcpu.flags()).isEqualTo(FLAG_Z | FLAG_IF);
        assertThat(other.register(3)).as("kept while switched out").isEqualTo(99);
    }

    @Test
    void registersAreTheRealCpusWhileLoadedAndTheSavedOnesElseR0StaysZero() {
        vcpu.setRegister(5, 55);
        vcpu.setRegister(0, 1);
        assertThat(cpu.register(5)).as("not loaded: the real CPU untouched").isZero();
        assertThat(vcpu.register(5)).isEqualTo(55);
        assertThat(vcpu.register(0)).isZero();

        vcpu.load();
        vcpu.setRegister(6, 66);
        vcpu.setPc(0x2000);

        assertThat(cpu.register(6)).isEqualTo(66);
        assertThat(cpu.pc()).isEqualTo(0x2000);
        assertThat(vcpu.pc()).isEqualTo(0x2000);
    }

    @Test
    void controlRegistersAreOnlyRecordedMaskedAsTheMachineMasksThem() {
        int realCr3 = cpu.controlRegister(Registers.CR3);

        vcpu.setControlRegister(Registers.CR0, 0xFFFF_FFFF);
        vcpu.setControlRegister(Registers.CR3, 0x1234_5678);
        vcpu.setControlRegister(Registers.CR4, 0x9000);

        assertThat(vcpu.controlRegister(Registers.CR0))
                .isEqualTo(Registers.CR0_PG | Registers.CR0_WP | Registers.CR0_TAG);
        assertThat(vcpu.pagingEnabled()).isTrue();
        assertThat(vcpu.controlRegister(Registers.CR3)).isEqualTo(0x1234_5000);
        assertThat(vcpu.controlRegister(Registers.CR4)).isEqualTo(0x9000);
        assertThat(cpu.controlRegister(Registers.CR3)).as("the real MMU is memory virtualization's").isEqualTo(realCr3);
        assertThatThrownBy(() -> vcpu.setControlRegister(1, 0)).hasMessageStartingWith("the vCPU has no control register cr1: the guest named it, and bare metal raises #GP");
        assertThatThrownBy(() -> vcpu.controlRegister(7)).hasMessageStartingWith("the vCPU has no control register cr7");
    }

    @Test
    void theSnapshotIsTheStateTheGuestWouldSeeOnBareMetal() {
        vcpu.setRegister(2, 22);
        vcpu.setFlags(FLAG_IF | FLAG_Z);
        vcpu.setControlRegister(Registers.CR2, 0x4444);
        vcpu.setIdtr(0x3000);

        CpuSnapshot s = vcpu.snapshot();

        assertThat(s.registers()[2]).isEqualTo(22);
        assertThat(s.pc()).isEqualTo(0x1000);
        assertThat(s.flags()).isEqualTo(FLAG_IF | FLAG_Z);
        assertThat(s.cpl()).as("ring 0, as the guest believes").isZero();
        assertThat(s.cr2()).isEqualTo(0x4444);
        assertThat(s.idtr()).isEqualTo(0x3000);
    }

    @Test
    void guestTimeCountsRetiredInstructionsAndWaitedTicks() {
        vcpu.retireDirectly(10);
        vcpu.retire(2);
        vcpu.idleUntil(100);
        vcpu.idleUntil(50);   // the past: nothing

        assertThat(vcpu.ticks()).isEqualTo(100);
        assertThat(vcpu.instructions()).isEqualTo(12);
        assertThat(vcpu.directInstructions()).isEqualTo(10);
    }

    @Test
    void theStiShadowBlocksInterruptsForExactlyOneMoreInstruction() {
        vcpu.setVirtualInterruptsEnabled(true);
        vcpu.retire(1);                              // sti
        vcpu.blockInterruptsForOneInstruction();

        assertThat(vcpu.interruptible()).isFalse();
        vcpu.retire(1);
        assertThat(vcpu.interruptible()).isTrue();

        vcpu.setVirtualInterruptsEnabled(false);
        assertThat(vcpu.interruptible()).isFalse();
    }

    @Test
    void waitingStartsAtHltAndCountsTheDeviceEventsWaitedThrough() {
        vcpu.startWaiting();
        vcpu.countEventWaited();
        vcpu.countEventWaited();
        assertThat(vcpu.waiting()).isTrue();
        assertThat(vcpu.eventsWaited()).isEqualTo(2);

        vcpu.stopWaiting();
        vcpu.startWaiting();
        assertThat(vcpu.eventsWaited()).as("counted afresh").isZero();
    }

    @Test
    void theFirstStopReasonStands() {
        assertThat(vcpu.stopped()).isFalse();

        vcpu.stop(StopReason.HALT, "hlt");
        vcpu.stop(StopReason.TRIPLE_FAULT, "later");

        assertThat(vcpu.stopped()).isTrue();
        assertThat(vcpu.stopReason()).isEqualTo(StopReason.HALT);
        assertThat(vcpu.stopDetail()).isEqualTo("hlt");
    }
}
