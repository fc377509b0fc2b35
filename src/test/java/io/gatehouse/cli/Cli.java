package io.gatehouse.cli;

import io.gatehouse.Main;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The CLI in a fresh HOME against one server: either the packaged launcher as a process ({@link #run}),
 * or the same command tree in this JVM ({@link #inProcess}) with a clock, a way to wait and a terminal
 * the test controls.
 */
final class Cli {
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** An app registered for a test, with its secret (null for a public app). */
    record App(String clientId, String secret) {
    }

    static App app(TestServer s, long owner, String type, List<String> redirects) {
        TestClient.Resp r = s.admin.post("/admin/v1/apps", Map.of("owner_id", owner, "name", "CLI App", "type", type,
                "redirect_uris", redirects, "permissions", List.of("user.read", "leads.read", "leads.write")));
        if (r.status() != 201) {
            throw new AssertionError(r.toString());
        }
        return new App(r.json().get("client_id").asText(), r.json().has("client_secret") ? r.json().get("client_secret").asText() : null);
    }

    final Path home;
    final Map<String, String> env = new HashMap<>();
    /** In-process only: the CLI's clock, how it waits, and whether its stderr counts as a terminal. */
    Clock clock = Clock.systemUTC();
    Terminal.Sleeper sleeper = d -> {
        throw new AssertionError("the CLI wanted to wait " + d);
    };
    boolean errIsTerminal;

    Cli(Path home, String baseUrl, String adminUrl) {
        this.home = home;
        env.put("HOME", home.toString());
        env.put("GATEHOUSE_BASE_URL", baseUrl);
        env.put("GATEHOUSE_ADMIN_URL", adminUrl);
    }

    /** Runs {@code gatehouse args…} in this JVM: only {@link #env} (plus {@code extra}) is its environment. */
    Result inProcess(Map<String, String> extra, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> all = new HashMap<>(env);
        all.putAll(extra);
        Terminal t = new Terminal(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                all, clock, sleeper, errIsTerminal);
        int exit = Main.run(t, args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Result inProcess(String... args) {
        return inProcess(Map.of(), "", args);
    }

    Process start(Map<String, String> extra, String... args) {
        return start(command(args), extra);
    }

    /**
     * The packaged launcher's command line. A client command runs for a moment: the JIT's first tier and the
     * serial collector start it fastest, and change nothing it does.
     */
    static List<String> command(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar = Path.of(System.getProperty("gatehouse.jar", "target/gatehouse.jar")).toAbsolutePath().toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Any program (a shell, script(1)) with this CLI's environment, its stdin closed. */
    Process startRaw(String... command) {
        Process p = start(List.of(command), Map.of());
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private Process start(List<String> cmd, Map<String, String> extra) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEHOUSE_") || k.equals("XDG_CONFIG_HOME") || k.equals("COLUMNS"));
        pb.environment().putAll(env);
        pb.environment().putAll(extra);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Result run(String... args) {
        return run(Map.of(), args);
    }

    Result run(Map<String, String> extra, String... args) {
        return piped("", extra, args);
    }

    /** Runs the packaged launcher as a process, with {@code stdin} as its standard input. */
    Result piped(String stdin, Map<String, String> extra, String... args) {
        Process p = start(extra, args);
        try {
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("gatehouse " + String.join(" ", args) + " did not finish");
            }
            return new Result(p.exitValue(), out.get(), err.get());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
