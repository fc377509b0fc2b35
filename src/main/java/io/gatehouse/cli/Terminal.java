package io.gatehouse.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Everything the CLI takes from the world it runs in: streams, environment, clock, a way to wait,
 * whether stderr is a terminal and how wide stdout's terminal is (0 when stdout is not one). {@link #system()} is the real one; tests build their own to run the CLI
 * in-process with a controlled clock and no real waiting.
 */
public record Terminal(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, Clock clock,
                       Sleeper sleeper, boolean errIsTerminal, IntSupplier outColumns) {

    /** Waits (rate-limit retries); tests pass one that moves a test clock instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public static Terminal system() {
        return new Terminal(System.in, new PrintStream(System.out, true, StandardCharsets.UTF_8),
                new PrintStream(System.err, true, StandardCharsets.UTF_8), System.getenv(), Clock.systemUTC(),
                d -> Thread.sleep(d.toMillis()), isTerminal(2), () -> isTerminal(1) ? ttyColumns() : 0);
    }

    /** A terminal for tests: stdout is not a terminal (tables are as wide as they need, unless COLUMNS says otherwise). */
    public Terminal(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, Clock clock, Sleeper sleeper,
                    boolean errIsTerminal) {
        this(in, out, err, env, clock, sleeper, errIsTerminal, () -> 0);
    }

    /** The width of the controlling terminal (shells rarely export COLUMNS), or 0 when it cannot be told. */
    private static int ttyColumns() {
        try {
            Process p = new ProcessBuilder("stty", "size").redirectInput(new java.io.File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String[] rowsCols = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip().split(" ");
            return p.waitFor() == 0 && rowsCols.length == 2 ? Integer.parseInt(rowsCols[1]) : 0;
        } catch (Exception cannotTell) {
            return 0;
        }
    }

    /**
     * Whether a file descriptor is a terminal. Java cannot ask isatty(3) for one stream, so on Linux we read
     * where /proc/self/fd/N points; elsewhere we answer no (progress lines are then simply not shown).
     */
    static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception notLinux) {
            return false;
        }
    }

    /** A variable's value, or null when unset or blank. */
    String env(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v;
    }
}
