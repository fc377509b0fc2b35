package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.testing.GatehouseProcess;
import io.gatehouse.testing.Ports;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestClient.Resp;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §1, the release archive: unpacked into a folder of its own and run with {@code bin/gatehouse}
 * on a PATH that holds a JDK and a few shell tools but no Maven, it serves, the CLI works against it,
 * a backup taken from it restores on a fresh node, and SIGTERM stops it with exit 0.
 */
class ReleaseArchiveIT {
    private static final String ADMIN_TOKEN = "release-archive-admin-token-0123456789";
    /** What bin/gatehouse may use besides java: plain POSIX tools. */
    private static final List<String> TOOLS = List.of("sed", "dirname", "head", "ls", "getconf", "cksum", "mkdir", "rm", "mv");

    @TempDir
    Path tmp;

    private Path dist;
    private Path javaHome;
    private Map<String, String> env;

    @BeforeEach
    void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("gatehouse.archive",
                "target/gatehouse-" + System.getProperty("gatehouse.version", "0.1.0") + ".tar.gz"));
        assertThat(archive).isRegularFile();
        dist = Files.createDirectories(tmp.resolve("opt gatehouse")); // a space in the path, on purpose
        assertThat(exec(List.of("tar", "-xzf", archive.toAbsolutePath().toString(), "-C", dist.toString()), Map.of()).exit)
                .isZero();

        javaHome = Path.of(System.getProperty("java.home"));
        Path tools = Files.createDirectories(tmp.resolve("tools"));
        for (String t : TOOLS) {
            Path real = Files.exists(Path.of("/usr/bin", t)) ? Path.of("/usr/bin", t) : Path.of("/bin", t);
            Files.createSymbolicLink(tools.resolve(t), real);
        }
        String path = tools + File.pathSeparator + javaHome.resolve("bin");
        for (String dir : path.split(File.pathSeparator)) {
            assertThat(Path.of(dir, "mvn")).as("no Maven on the PATH").doesNotExist();
        }
        // The start-up cache's training run takes ~10 s: only the test of the cache makes one.
        env = new HashMap<>(Map.of("PATH", path, "JAVA_HOME", javaHome.toString(),
                "HOME", Files.createDirectories(tmp.resolve("home")).toString(), "GATEHOUSE_AOT_CACHE", "off"));
    }

    @Test
    void on_java_25_the_first_run_makes_the_start_up_cache_and_serve_starts_with_it() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() >= 25, "the AOT cache needs Java 25");
        Map<String, String> withCache = new HashMap<>(env);
        withCache.remove("GATEHOUSE_AOT_CACHE");
        withCache.put("GATEHOUSE_ADMIN_TOKEN", ADMIN_TOKEN); // the training run must not see the caller's settings
        Run first = exec(List.of(dist.resolve("bin/gatehouse").toString(), "--version"), withCache);
        assertThat(first.exit).as(first.err).isZero();
        assertThat(first.err).contains("making the start-up cache");
        try (var caches = Files.list(dist.resolve("lib"))) {
            assertThat(caches.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".aot")))
                    .as(Files.readString(dist.resolve("lib/gatehouse-aot.log"))).hasSize(1);
        }
        Run again = exec(List.of(dist.resolve("bin/gatehouse").toString(), "--version"), withCache);
        assertThat(again.err).doesNotContain("making the start-up cache");
        assertThat(again.out).startsWith("gatehouse ");

        // Start to ready with the cache (printed for the record, never asserted: bench/startup.sh measures speed).
        Map<String, String> serverEnv = new HashMap<>(withCache);
        Path run = Files.createDirectories(tmp.resolve("run"));
        long start = System.nanoTime();
        try (GatehouseProcess gh = GatehouseProcess.run(run, List.of(dist.resolve("bin/gatehouse").toString(), "serve"), serverEnv)) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                    .until(() -> gh.admin.get("/readyz").status() == 200);
            System.out.printf("release archive: serve with the start-up cache, new data folder: start to ready %d ms%n",
                    (System.nanoTime() - start) / 1_000_000);
            assertThat(gh.output()).doesNotContain("[aot").doesNotContain("AOT cache");
            gh.process.destroy();
            assertThat(gh.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(gh.process.exitValue()).isZero();
        }
    }

    @Test
    void the_archive_holds_the_launcher_the_libraries_the_readme_the_docs_and_contrib() throws IOException {
        assertThat(dist.resolve("bin/gatehouse")).isExecutable();
        assertThat(dist.resolve("lib/gatehouse.jar")).isRegularFile();
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(dist.resolve("lib/gatehouse.jar").toFile())) {
            // the migrated empty database a first start copies (store/MigratedImage), and what it was made from
            assertThat(jar.getEntry("db/image/gatehouse.mv.db")).isNotNull();
            assertThat(jar.getEntry("db/image/image.properties")).isNotNull();
        }
        assertThat(dist.resolve("lib").toFile().list((d, n) -> n.startsWith("h2-") && n.endsWith(".jar"))).hasSize(1);
        assertThat(dist.resolve("README.md")).isRegularFile();
        assertThat(dist.resolve("docs/operations.md")).isRegularFile();
        assertThat(dist.resolve("docs/SPEC.md")).isRegularFile();
        assertThat(dist.resolve("contrib/gatehouse.service")).content().contains("ProtectSystem=strict", "StateDirectory=gatehouse");
        assertThat(dist.resolve("contrib/nginx.conf")).content().contains("X-Forwarded-For", "GATEHOUSE_TRUSTED_PROXIES");
    }

    @Test
    void version_prints_the_release_version_with_java_from_java_home_or_from_the_path() throws Exception {
        Run withHome = gatehouse(Map.of(), "--version");
        assertThat(withHome.exit).as(withHome.err).isZero();
        assertThat(withHome.out).startsWith("gatehouse " + System.getProperty("gatehouse.version", "0.1.0") + "\n");

        Map<String, String> pathOnly = new HashMap<>(env);
        pathOnly.remove("JAVA_HOME");
        Run fromPath = exec(List.of(dist.resolve("bin/gatehouse").toString(), "--version"), pathOnly);
        assertThat(fromPath.exit).as(fromPath.err).isZero();
        assertThat(fromPath.out).startsWith("gatehouse ");
    }

    @Test
    void a_java_home_older_than_21_is_refused_with_a_message_that_says_so() throws Exception {
        Path old = Files.createDirectories(tmp.resolve("jdk-17/bin"));
        Files.writeString(tmp.resolve("jdk-17/release"), "JAVA_VERSION=\"17.0.15\"\n");
        Path java = Files.writeString(old.resolve("java"), "#!/bin/sh\necho 'openjdk version \"17.0.15\"' >&2\n");
        java.toFile().setExecutable(true);
        Run r = gatehouse(Map.of("JAVA_HOME", tmp.resolve("jdk-17").toString()), "serve");
        assertThat(r.exit).isEqualTo(1);
        assertThat(r.err).contains("Gatehouse needs Java 21 or newer").contains("is Java 17");
    }

    @Test
    void unpacked_elsewhere_it_serves_the_cli_works_a_backup_restores_and_sigterm_exits_zero() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("run"));
        Map<String, String> serverEnv = new HashMap<>(env);
        serverEnv.put("GATEHOUSE_ADMIN_TOKEN", ADMIN_TOKEN);
        String[] auth = {"Authorization", "Bearer " + ADMIN_TOKEN};
        long accountId;
        String key;
        Path backup = tmp.resolve("nightly.zip");
        long start = System.nanoTime();
        try (GatehouseProcess gh = GatehouseProcess.run(run, List.of(dist.resolve("bin/gatehouse").toString(), "serve"), serverEnv)) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                    .until(() -> gh.admin.get("/readyz").status() == 200);
            System.out.printf("release archive: serve without the start-up cache, new data folder: start to ready %d ms%n",
                    (System.nanoTime() - start) / 1_000_000);
            assertThat(run.resolve("gatehouse-data/gatehouse.mv.db")).as("the documented default data dir").isRegularFile();
            assertThat(gh.api.get("/healthz").status()).isEqualTo(200);
            assertThat(gh.admin.get("/admin/v1/accounts?limit=1").status()).isEqualTo(401);
            Resp created = gh.admin.post("/admin/v1/accounts", Map.of("email", "ops@example.com", "password", "correct horse"), auth);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            accountId = created.json().get("id").asLong();
            key = gh.admin.post("/admin/v1/accounts/" + accountId + "/api-keys", Map.of("name", "ops"), auth).json().get("key").asText();
            assertThat(gh.api.post("/v1.0/leads", Map.of("firstName", "Archibald"), TestClient.token(key)).status()).isEqualTo(201);

            // The CLI from the same archive, against the running server.
            Run leads = gatehouse(Map.of("GATEHOUSE_CUSTOMER_KEY", key), "--base-url", gh.api.base, "leads", "list");
            assertThat(leads.exit).as(leads.err).isZero();
            assertThat(leads.out).contains("Archibald");

            // An online backup, taken through the admin API with its token.
            Run saved = gatehouse(Map.of("GATEHOUSE_ADMIN_TOKEN", ADMIN_TOKEN), "backup", "--admin-url", gh.admin.base, backup.toString());
            assertThat(saved.exit).as(saved.err).isZero();
            assertThat(saved.err).contains("from the server at " + gh.admin.base);

            // A data dir held by a running server is never opened behind its back.
            Run behind = gatehouse(Map.of("GATEHOUSE_DATA_DIR", run.resolve("gatehouse-data").toString()),
                    "backup", "--admin-url", "http://127.0.0.1:" + closedPort(), tmp.resolve("other.zip").toString());
            assertThat(behind.exit).isEqualTo(1);
            assertThat(behind.err).contains("is in use by a running Gatehouse");

            gh.process.destroy(); // SIGTERM
            assertThat(gh.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(gh.process.exitValue()).isZero();
            assertThat(gh.output()).contains("Gatehouse stopped");
            // JNA from lib/ loads the system's libcrypto for token signatures, with no Java 24+ warning about it.
            assertThat(gh.output()).contains("Token signatures (RS256) made by ").doesNotContain("restricted method");
            if (Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcrypto.so.3"))) {
                assertThat(gh.output()).contains("made by OpenSSL ");
            }
        }

        // Restore as documented: unzip the backup into an empty data dir and start a node on it.
        Path restored = tmp.resolve("restored-data");
        unzip(Files.readAllBytes(backup), restored);
        Map<String, String> freshEnv = new HashMap<>(serverEnv);
        freshEnv.put("GATEHOUSE_DATA_DIR", restored.toString());
        Path fresh = Files.createDirectories(tmp.resolve("fresh"));
        try (GatehouseProcess gh = GatehouseProcess.run(fresh, List.of(dist.resolve("bin/gatehouse").toString(), "serve"), freshEnv)) {
            assertThat(gh.admin.get("/admin/v1/accounts/" + accountId, "Authorization", "Bearer " + ADMIN_TOKEN)
                    .json().get("email").asText()).isEqualTo("ops@example.com");
            assertThat(gh.api.get("/v1.0/me", TestClient.token(key)).status()).isEqualTo(200);
            gh.process.destroy();
            assertThat(gh.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(gh.process.exitValue()).isZero();
        }
    }

    // ---- helpers ----

    private record Run(int exit, String out, String err) {
    }

    private Run gatehouse(Map<String, String> extra, String... args) throws Exception {
        Map<String, String> e = new HashMap<>(env);
        e.putAll(extra);
        List<String> cmd = new ArrayList<>(List.of(dist.resolve("bin/gatehouse").toString()));
        cmd.addAll(List.of(args));
        return exec(cmd, e);
    }

    private Run exec(List<String> cmd, Map<String, String> environment) throws Exception {
        Path out = Files.createTempFile(tmp, "out-", ".txt");
        Path err = Files.createTempFile(tmp, "err-", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEHOUSE_") || k.equals("JAVA_HOME"));
        pb.environment().putAll(environment);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static void unzip(byte[] zip, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Files.copy(in, dir.resolve(e.getName()));
            }
        }
    }

    /** A port where no server answers (connections refused), held so no other process can take it meanwhile. */
    private static final Socket NO_SERVER = Ports.refusing();

    private static int closedPort() {
        return NO_SERVER.getLocalPort();
    }
}
