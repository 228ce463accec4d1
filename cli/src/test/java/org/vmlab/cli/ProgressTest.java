package org.vmlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void withoutATerminalEachStepIsALine() {
        StringWriter err = new StringWriter();
        Progress progress = new Progress(new PrintWriter(err), "nanobench", 3, false, false);

        progress.step("syscall natively");
        progress.step("syscall under trap-emulate/classic");
        progress.clear();

        assertThat(err.toString()).isEqualTo("nanobench: 1/3 syscall natively...\n"
                + "nanobench: 2/3 syscall under trap-emulate/classic...\n");
    }

    @Test
    void onATerminalOneLineIsRewrittenAndTakenAwayBeforeTheTable() {
        StringWriter err = new StringWriter();
        Progress progress = new Progress(new PrintWriter(err), "demo", 2, true, false);

        progress.step("forkwait on bare metal");
        progress.step("net");
        progress.clear();

        String first = "demo: 1/2 forkwait on bare metal...";
        String second = "demo: 2/2 net...";
        assertThat(err.toString()).isEqualTo("\r" + first + "\r" + second + " ".repeat(first.length() - second.length())
                + "\r" + " ".repeat(second.length()) + "\r").doesNotContain("\n");
    }

    @Test
    void quietSaysNothing() {
        StringWriter err = new StringWriter();
        Progress progress = new Progress(new PrintWriter(err), "demo", 2, true, true);

        progress.step("all on bare metal");
        progress.clear();

        assertThat(err.toString()).isEmpty();
    }
}
