package org.vmlab.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import org.vmlab.vmm.replay.ReplayDivergence;
import org.vmlab.vmm.replay.TimeTravel;

/**
 * {@code vmlab replay FILE -i}: a debugging session in a recorded run, one command a line, read
 * until {@code quit} or the end of the input. A mistake in a command is said on its own line and
 * the session goes on; the commands:
 *
 * <pre>
 *   to N            the state after instruction N (0..the recorded run's count)
 *   step [K]        K instructions forward (default 1)
 *   back [K]        K instructions back (default 1): a replay from the start
 *   regs            the state where the replay stands
 *   mem ADDR [LEN]  LEN bytes (default 64, at most 4096) of guest-physical memory at ADDR, by words
 *   help            these commands
 *   quit            the end of the session
 * </pre>
 */
final class ReplaySession {
    static final String HELP = "commands: to N, step [K], back [K], regs, mem ADDR [LEN], help, quit";
    private static final int MAX_DUMP = 4096;

    private final TimeTravel travel;
    private final PrintWriter out;
    private final boolean echo;

    /**
     * @param echo true to echo each command after its prompt, for commands from a script or a pipe
     *             (the output then reads as a session transcript); false to prompt a person at a terminal
     */
    ReplaySession(TimeTravel travel, PrintWriter out, boolean echo) {
        this.travel = travel;
        this.out = out;
        this.echo = echo;
    }

    /** Runs the commands in {@code in}; returns how many were refused. */
    int run(BufferedReader in) throws IOException {
        int refused = 0;
        out.println("replay: " + HELP);
        String line;
        while (true) {
            String prompt = "(replay " + String.format("%,d", travel.position()) + ") ";
            if (!echo) {
                out.print(prompt);
                out.flush();
            }
            line = in.readLine();
            if (line == null) {
                if (!echo) {
                    out.println();
                }
                break;
            }
            if (echo) {
                out.println(prompt + line);
            }
            String[] words = line.trim().split("\\s+");
            if (words[0].isEmpty()) {
                continue;
            }
            String command = words[0].toLowerCase(Locale.ROOT);
            if (command.equals("quit") || command.equals("q") || command.equals("exit")) {
                break;
            }
            try {
                execute(command, words);
            } catch (IllegalArgumentException | ReplayDivergence e) {
                out.println("error: " + e.getMessage());
                refused++;
            }
        }
        out.flush();
        return refused;
    }

    private void execute(String command, String[] words) {
        switch (command) {
            case "to" -> {
                arguments(words, 1, 1, "to N");
                ReplayCommand.print(out, travel.to(count(words[1], true)));
            }
            case "step", "s" -> {
                arguments(words, 0, 1, "step [K]");
                ReplayCommand.print(out, travel.step(words.length > 1 ? count(words[1], false) : 1));
            }
            case "back", "b" -> {
                arguments(words, 0, 1, "back [K]");
                long k = words.length > 1 ? count(words[1], false) : 1;
                if (k > travel.position()) {
                    throw new IllegalArgumentException(String.format("back %,d would go before the start:"
                            + " the replay stands at instruction %,d", k, travel.position()));
                }
                ReplayCommand.print(out, travel.back(k));
            }
            case "regs", "r" -> {
                arguments(words, 0, 0, "regs");
                ReplayCommand.print(out, travel.here());
            }
            case "mem", "m" -> {
                arguments(words, 1, 2, "mem ADDR [LEN]");
                dump(address(words[1]), words.length > 2 ? (int) Math.min(count(words[2], false), MAX_DUMP + 1) : 64);
            }
            case "help", "h", "?" -> out.println(HELP);
            default -> throw new IllegalArgumentException("unknown command '" + words[0] + "' (" + HELP + ")");
        }
    }

    private static void arguments(String[] words, int min, int max, String usage) {
        int n = words.length - 1;
        if (n < min || n > max) {
            throw new IllegalArgumentException("usage: " + usage);
        }
    }

    private void dump(int address, int length) {
        if (length > MAX_DUMP) {
            throw new IllegalArgumentException("mem shows at most " + MAX_DUMP + " bytes at a time");
        }
        long size = travel.memoryBytes();
        long first = Integer.toUnsignedLong(address) & ~3L;
        if (first >= size) {
            throw new IllegalArgumentException(String.format("0x%08x is outside the guest's %,d bytes of memory",
                    address, size));
        }
        long last = Math.min(size, Integer.toUnsignedLong(address) + length);
        for (long row = first; row < last; row += 16) {
            StringBuilder sb = new StringBuilder(String.format("0x%08x:", row));
            for (long a = row; a < Math.min(row + 16, last); a += 4) {
                sb.append(String.format(" %08x", travel.memoryWord((int) a)));
            }
            out.println(sb);
        }
    }

    private static long count(String word, boolean zeroAllowed) {
        long n;
        try {
            n = new ReplayCommand.InstructionCount().convert(word);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (n == 0 && !zeroAllowed) {
            throw new IllegalArgumentException("'" + word + "' must be positive");
        }
        return n;
    }

    private static int address(String word) {
        try {
            return org.vmlab.asm.Literals.parse(word);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + word + "' is not an address (like 0x1000 or 4096)");
        }
    }
}
