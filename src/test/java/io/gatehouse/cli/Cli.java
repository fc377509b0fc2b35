package io.gatehouse.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The packaged launcher run as the CLI, in a fresh HOME, against one server. */
final class Cli {
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    final Path home;
    final Map<String, String> env = new HashMap<>();

    Cli(Path home, String baseUrl, String adminUrl) {
        this.home = home;
        env.put("HOME", home.toString());
        env.put("GATEHOUSE_BASE_URL", baseUrl);
        env.put("GATEHOUSE_ADMIN_URL", adminUrl);
    }

    Process start(Map<String, String> extra, String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar = Path.of(System.getProperty("gatehouse.jar", "target/gatehouse.jar")).toAbsolutePath().toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-jar", jar));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEHOUSE_") || k.equals("XDG_CONFIG_HOME"));
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
        Process p = start(extra, args);
        try {
            p.getOutputStream().close();
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
