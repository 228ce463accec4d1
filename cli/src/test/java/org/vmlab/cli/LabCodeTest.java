package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the commands tell a student when the VMM runs into the student's own code. */
class LabCodeTest {

    @Test
    void aStubsTodoNamesTheLabAndHowToGradeIt() {
        RuntimeException wrapped = new IllegalStateException("while handling an exit",
                new UnsupportedOperationException("TODO(lab2): translate the instruction"));

        assertThat(LabCode.unwritten(wrapped)).isEqualTo("this needs lab2, which is not written yet: "
                + "TODO(lab2): translate the instruction (see labs/docs/, and grade it with: ./vmlab grade lab2)");
        assertThat(LabCode.notWrittenCell(wrapped)).isEqualTo("not written (lab2)");
        assertThat(LabCode.unwritten(new UnsupportedOperationException("not a stub"))).isNull();
    }

    @Test
    void aBugInLabCodeIsShownWithTheLabsOwnFramesOnly() {
        NullPointerException bug = new NullPointerException("s is null");
        bug.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("org.vmlab.labs.lab1.PrivilegedInstructionEmulator", "emulate", "PrivilegedInstructionEmulator.java", 40),
            new StackTraceElement("org.vmlab.cpu.trapemulate.TrapAndEmulate", "handle", "TrapAndEmulate.java", 90),
            new StackTraceElement("org.vmlab.labs.lab1.TrapAndEmulateHandler", "handle", "TrapAndEmulateHandler.java", 34),
        });

        assertThat(LabCode.labFailure(bug)).isEqualTo("vmlab: your lab code threw java.lang.NullPointerException: s is null"
                + "\n  at org.vmlab.labs.lab1.PrivilegedInstructionEmulator.emulate(PrivilegedInstructionEmulator.java:40)"
                + "\n  at org.vmlab.labs.lab1.TrapAndEmulateHandler.handle(TrapAndEmulateHandler.java:34)");
        assertThat(LabCode.labFailure(new IllegalStateException("the VMM's own"))).isNull();
    }
}
