package io.gatehouse.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged launcher jar run as a real process, as `./gatehouse serve` runs it. */
public final class GatehouseProcess implements AutoCloseable {
    private static final Pattern LISTENING =
            Pattern.compile("Gatehouse listening: public http://[^:]+:(\\d+) admin http://[^:]+:(\\d+)");

    public final Process process;
    public final Path log;
    public final TestClient api;
    public final TestClient admin;

    private GatehouseProcess(Process process, Path log, int port, int adminPort) {
        this.process = process;
        this.log = log;
        this.api = new TestClient("http://127.0.0.1:" + port);
        this.admin = new TestClient("http://127.0.0.1:" + adminPort);
    }

    public static GatehouseProcess start(Path workDir, Map<String, String> env, String... args) {
        String jar = System.getProperty("gatehouse.jar", "target/gatehouse.jar");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-jar", Path.of(jar).toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return run(workDir, cmd, env);
    }

    /**
     * Runs any launcher command line (e.g. an unpacked release's {@code bin/gatehouse serve}) with this
     * JVM's environment less every GATEHOUSE_ variable, plus {@code env}, on free ports; returns once it listens.
     */
    public static GatehouseProcess run(Path workDir, List<String> command, Map<String, String> env) {
        try {
            Path log = Files.createTempFile(workDir, "serve-", ".log");
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("GATEHOUSE_"));
            pb.environment().put("GATEHOUSE_PORT", "0");
            pb.environment().put("GATEHOUSE_ADMIN_PORT", "0");
            pb.environment().putAll(env);
            Process p = pb.start();
            int[] ports = new int[2];
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException("gatehouse exited " + p.exitValue() + ":\n" + Files.readString(log));
                }
                Matcher m = LISTENING.matcher(Files.readString(log));
                if (m.find()) {
                    ports[0] = Integer.parseInt(m.group(1));
                    ports[1] = Integer.parseInt(m.group(2));
                    return true;
                }
                return false;
            });
            return new GatehouseProcess(p, log, ports[0], ports[1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
