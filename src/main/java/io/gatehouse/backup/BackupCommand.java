package io.gatehouse.backup;

import io.gatehouse.config.Settings;
import io.gatehouse.config.SettingsException;
import io.gatehouse.core.DomainException;
import io.gatehouse.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.ZipFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse backup FILE}: with the embedded database, asks the running server for an online
 * backup over the admin API (so the file lands where the CLI runs), or, when no server answers, opens
 * the data dir directly. With PostgreSQL it says to use pg_dump. Reads the same settings as
 * {@code serve} (environment and {@code --config}) to find the admin port, admin token and data dir.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Back up the embedded database (and master.key) to a zip file, while the server runs or not.",
            "Restore: stop the server, unzip the file into an empty data dir, start it (docs/operations.md).",
            "With PostgreSQL (GATEHOUSE_DB_URL), use pg_dump instead."})
public final class BackupCommand implements Callable<Integer> {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;
    static final int REFUSED = 3;

    @Parameters(paramLabel = "FILE", description = "Where to write the backup (a zip); '-' writes it to standard output.")
    String file;

    @Option(names = "--config", paramLabel = "FILE", description = "The server's settings file, as given to 'serve --config'.")
    Path config;

    @Spec
    CommandSpec spec;

    Map<String, String> env = System.getenv();
    PrintStream err = System.err;
    OutputStream stdout = System.out;

    @Override
    public Integer call() {
        Settings settings;
        try {
            settings = Settings.load(env, config);
        } catch (SettingsException e) {
            return fail(USAGE, e.getMessage());
        }
        if (settings.usesPostgres()) {
            return fail(USAGE, Backups.POSTGRES_ADVICE);
        }
        boolean keyInDataDir = settings.masterKey() == null;
        try {
            String admin = adminUrl(settings);
            if (admin != null) {
                Integer online = fromServer(admin, settings.adminToken());
                if (online != null) {
                    return online;
                }
                err.println("gatehouse: no server answers at " + admin + "; backing up " + settings.dataDir() + " directly");
            }
            try (Backups.Snapshot snapshot = Backups.takeOffline(settings.dataDir(), keyInDataDir)) {
                return save(out -> snapshot.writeTo(out), "from " + settings.dataDir().toAbsolutePath().normalize());
            }
        } catch (DomainException e) {
            return fail(FAILURE, e.getMessage());
        } catch (IOException | RuntimeException e) {
            return fail(FAILURE, "backup failed: " + e.getMessage());
        }
    }

    /** Asks the server at {@code admin}; null when nothing listens there. */
    private Integer fromServer(String admin, String token) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        // A state-changing admin call must be JSON (SPEC §11), even with nothing to say.
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(admin + "/admin/v1/backup"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        HttpResponse<InputStream> res;
        try {
            res = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(FAILURE, "interrupted");
        }
        try (InputStream body = res.body()) {
            if (res.statusCode() == 200) {
                return save(body::transferTo, "from the server at " + admin);
            }
            String message = messageOf(body.readAllBytes());
            return switch (res.statusCode()) {
                case 401, 403 -> fail(REFUSED, "the admin API refused the backup (" + message + "); set GATEHOUSE_ADMIN_TOKEN");
                case 409 -> fail(USAGE, message);
                case 404, 405 -> fail(FAILURE, "the server at " + admin + " has no backup endpoint (an older version?)");
                default -> fail(FAILURE, "the server at " + admin + " answered " + res.statusCode() + ": " + message);
            };
        }
    }

    private interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes to FILE through a private temporary file (mode 0600), checks it is a whole zip, then moves it in place. */
    private int save(Writer writer, String source) throws IOException {
        if ("-".equals(file)) {
            writer.writeTo(stdout);
            stdout.flush();
            return OK;
        }
        Path target = Path.of(file).toAbsolutePath();
        Path part = target.resolveSibling(target.getFileName() + ".part");
        Files.deleteIfExists(part);
        try {
            Files.createFile(part, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(part);
        }
        try {
            try (OutputStream out = Files.newOutputStream(part)) {
                writer.writeTo(out);
            }
            checkWhole(part);
            try {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(part);
        }
        err.println("gatehouse: backup written to " + file + " (" + Files.size(target) + " bytes, " + source + ")");
        return OK;
    }

    private static void checkWhole(Path zip) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            if (z.getEntry("gatehouse.mv.db") == null) {
                throw new IOException("the backup holds no database file");
            }
        } catch (java.util.zip.ZipException e) {
            throw new IOException("the backup arrived incomplete (" + e.getMessage() + ")", e);
        }
    }

    /** --admin-url (a global option), else GATEHOUSE_ADMIN_URL, else the admin listener of these settings. */
    private String adminUrl(Settings s) {
        String url = globalOption("--admin-url");
        if (url == null && env.get("GATEHOUSE_ADMIN_URL") != null && !env.get("GATEHOUSE_ADMIN_URL").isBlank()) {
            url = env.get("GATEHOUSE_ADMIN_URL");
        }
        if (url != null) {
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
        if (s.adminPort() == 0) {
            return null; // a port picked at start: only --admin-url can name it
        }
        String host = s.adminBind();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + s.adminPort();
    }

    private String globalOption(String name) {
        OptionSpec o = spec == null ? null : spec.findOption(name);
        Object v = o == null ? null : o.getValue();
        return v == null || v.toString().isBlank() ? null : v.toString();
    }

    private static String messageOf(byte[] body) {
        try {
            String m = Json.parse(body).path("message").asText("");
            return m.isEmpty() ? "no message" : m;
        } catch (IOException | RuntimeException e) {
            return "no message";
        }
    }

    private int fail(int code, String message) {
        err.println("gatehouse: " + message);
        err.flush();
        return code;
    }
}
