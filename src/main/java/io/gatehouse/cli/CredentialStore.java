package io.gatehouse.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the CLI remembers, under {@code ~/.config/gatehouse/} ({@code $XDG_CONFIG_HOME/gatehouse}):
 * {@code credentials.json} (the customer key), {@code token.json} (the cached login: its token and what
 * refreshing it needs, client secret included) and {@code env-token.json} (tokens refreshed from
 * {@code GATEHOUSE_REFRESH_TOKEN}). The folder is 0700 and the files 0600, written atomically.
 */
final class CredentialStore {
    static final String CREDENTIALS = "credentials.json";
    static final String TOKEN = "token.json";
    static final String ENV_TOKEN = "env-token.json";
    private static final FileAttribute<Set<java.nio.file.attribute.PosixFilePermission>> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** Folders this thread holds the lock of (locking is reentrant: a renewal may run inside a login). */
    private static final ThreadLocal<Set<Path>> HELD = ThreadLocal.withInitial(java.util.HashSet::new);

    private final Path dir;

    CredentialStore(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        this.dir = (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".config")).resolve("gatehouse");
    }

    Path dir() {
        return dir;
    }

    String customerKey() {
        ObjectNode c = read(CREDENTIALS);
        return c == null || !c.hasNonNull("customer_key") ? null : c.get("customer_key").asText();
    }

    void customerKey(String key) {
        write(CREDENTIALS, CliJson.object().put("customer_key", key));
    }

    void removeCustomerKey() {
        delete(CREDENTIALS);
    }

    /** The cached login, or null. */
    ObjectNode token() {
        return read(TOKEN);
    }

    void token(ObjectNode token) {
        write(TOKEN, token);
    }

    void removeToken() {
        delete(TOKEN);
    }

    ObjectNode read(String name) {
        Path f = dir.resolve(name);
        if (!Files.exists(f)) {
            return null;
        }
        try {
            return (ObjectNode) CliJson.MAPPER.readTree(f.toFile());
        } catch (IOException | ClassCastException e) {
            throw new CliException(CliException.FAILURE, f + " is damaged; run 'gatehouse auth logout' to start over");
        }
    }

    void write(String name, ObjectNode value) {
        try {
            ensureDir();
            Path tmp = Files.createTempFile(dir, name, ".tmp", FILE_MODE);
            Files.write(tmp, CliJson.bytes(value));
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name), e);
        }
    }

    void delete(String name) {
        try {
            Files.deleteIfExists(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code work} holding an exclusive lock on the folder, so that two commands started together do
     * not both spend the same refresh token (the second use would revoke the whole grant, RFC 9700 §4.14).
     */
    <T> T locked(Supplier<T> work) {
        if (HELD.get().contains(dir)) {
            return work.get();
        }
        try {
            ensureDir();
            Path lock = dir.resolve(".lock");
            if (!Files.exists(lock)) {
                try {
                    Files.createFile(lock, FILE_MODE);
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another command made it first
                }
            }
            try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
                HELD.get().add(dir);
                return work.get();
            } finally {
                HELD.get().remove(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dir, e);
        }
    }

    private void ensureDir() throws IOException {
        if (!Files.exists(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }
}
