package io.gatehouse.server;

import io.gatehouse.config.Settings;
import io.gatehouse.config.SettingsException;
import io.gatehouse.core.DomainException;
import io.gatehouse.store.Database;
import io.gatehouse.store.Jdbc;
import io.gatehouse.token.MasterKey;
import io.gatehouse.token.MasterKeyRotation;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gatehouse rotate-master-key}: seals every signing key again under a new master key, with every
 * node stopped. With the key in the data dir ({@code master.key}), a new one is generated (or taken from
 * {@code --new-key-file}) and replaces the file; with GATEHOUSE_MASTER_KEY, the new key comes from
 * {@code --new-key-file} and the operator then gives it to every node. The new key is written to
 * {@code master.key.new} before the database changes, so an interrupted run finishes when run again.
 */
@Command(name = "rotate-master-key", mixinStandardHelpOptions = true,
        description = {"Encrypt the stored signing keys with a new master key. Stop every Gatehouse node first.",
            "Key in the data dir (master.key): a new one is generated and replaces it.",
            "GATEHOUSE_MASTER_KEY set: give the new key with --new-key-file, then set it on every node."})
public final class RotateMasterKeyCommand implements Callable<Integer> {
    private static final String KEY_FILE = "master.key";
    private static final String PENDING_FILE = "master.key.new";

    @Option(names = "--config", paramLabel = "FILE", description = "The server's settings file, as given to 'serve --config'.")
    Path config;

    @Option(names = "--new-key-file", paramLabel = "FILE",
            description = "A file holding the new key: base64 of 32 bytes (openssl rand -base64 32) or a passphrase of 32+ characters.")
    Path newKeyFile;

    Map<String, String> env = System.getenv();
    PrintStream err = System.err;

    @Override
    public Integer call() throws IOException {
        Settings settings;
        try {
            settings = Settings.load(env, config);
        } catch (SettingsException e) {
            return fail(2, e.getMessage());
        }
        Path dir = settings.dataDir().toAbsolutePath().normalize();
        boolean inDataDir = settings.masterKey() == null;
        Path keyFile = dir.resolve(KEY_FILE);
        Path pending = dir.resolve(PENDING_FILE);
        MasterKey from;
        String newText;
        boolean startedHere = false;
        try {
            if (inDataDir) {
                if (!Files.isRegularFile(keyFile)) {
                    return fail(1, "there is no " + KEY_FILE + " in " + dir + " (GATEHOUSE_DATA_DIR) and GATEHOUSE_MASTER_KEY is not set");
                }
                from = MasterKey.parse(Files.readString(keyFile));
                if (Files.isRegularFile(pending)) {
                    newText = Files.readString(pending).strip();
                    err.println("gatehouse: finishing the rotation begun earlier (" + pending + ")");
                } else {
                    newText = newKeyFile != null ? Files.readString(newKeyFile).strip() : MasterKey.generateText();
                    MasterKey.parse(newText);
                    writePrivate(pending, newText + "\n");
                    startedHere = true;
                }
            } else {
                if (newKeyFile == null) {
                    return fail(2, "GATEHOUSE_MASTER_KEY is set: give the new key with --new-key-file FILE");
                }
                from = MasterKey.parse(settings.masterKey());
                newText = Files.readString(newKeyFile).strip();
            }
        } catch (IllegalArgumentException e) {
            return fail(2, e.getMessage().replace("GATEHOUSE_MASTER_KEY", "the new key"));
        }
        MasterKey to = MasterKey.parse(newText);

        MasterKeyRotation.Result result;
        try (Database db = Database.open(settings, null)) {
            result = MasterKeyRotation.reseal(new Jdbc(db), from, to);
        } catch (DomainException e) {
            // Raised inside the transaction, before any commit: the pending key sealed nothing.
            if (startedHere) {
                Files.deleteIfExists(pending);
            }
            return fail(1, e.getMessage());
        } catch (RuntimeException e) {
            // Whether the transaction committed is unknown: master.key.new stays, and a second run finishes.
            String again = inDataDir ? " (" + PENDING_FILE + " is kept: run the command again)" : "";
            if (inUse(e)) {
                return fail(1, "the database in " + dir + " is in use: stop every Gatehouse node first" + again);
            }
            return fail(1, "cannot reach the database: " + e.getMessage() + again);
        }
        String summary = result.resealed() + " signing key(s) encrypted with the new master key"
                + (result.alreadyNew() > 0 ? " (" + result.alreadyNew() + " already were)" : "");
        if (inDataDir) {
            try {
                Files.move(pending, keyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(pending, keyFile, StandardCopyOption.REPLACE_EXISTING);
            }
            err.println("gatehouse: " + summary + "; " + keyFile + " replaced. Older backups need the old key: take a new backup.");
        } else {
            err.println("gatehouse: " + summary + ". Now set GATEHOUSE_MASTER_KEY to the new key on every node, then start them.");
        }
        return 0;
    }

    private static boolean inUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException s && s.getErrorCode() == 90020
                    || t.getMessage() != null && t.getMessage().contains("90020")) {
                return true;
            }
        }
        return false;
    }

    private static void writePrivate(Path file, String text) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, text);
    }

    private int fail(int code, String message) {
        err.println("gatehouse: " + message);
        err.flush();
        return code;
    }
}
