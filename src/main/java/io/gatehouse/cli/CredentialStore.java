package io.gatehouse.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * What the CLI remembers, under {@code ~/.config/gatehouse/} ({@code $XDG_CONFIG_HOME/gatehouse}):
 * {@code credentials.json} (the customer key) and {@code token.json} (a cached OAuth token and how it was
 * obtained). The folder is 0700 and the files 0600, written atomically.
 */
final class CredentialStore {
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
        ObjectNode c = read("credentials.json");
        return c == null || !c.hasNonNull("customer_key") ? null : c.get("customer_key").asText();
    }

    void customerKey(String key) {
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("customer_key", key);
        write("credentials.json", c);
    }

    void removeCustomerKey() {
        delete("credentials.json");
    }

    /** The cached token, or null. */
    ObjectNode token() {
        return read("token.json");
    }

    void token(ObjectNode token) {
        write("token.json", token);
    }

    void removeToken() {
        delete("token.json");
    }

    private ObjectNode read(String name) {
        Path f = dir.resolve(name);
        if (!Files.exists(f)) {
            return null;
        }
        try {
            return (ObjectNode) Json.MAPPER.readTree(f.toFile());
        } catch (IOException | ClassCastException e) {
            throw new CliException(CliException.FAILURE, f + " is damaged; run 'gatehouse auth logout' to start over");
        }
    }

    private void write(String name, ObjectNode value) {
        try {
            if (!Files.exists(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Path tmp = Files.createTempFile(dir, name, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, Json.bytes(value));
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name), e);
        }
    }

    private void delete(String name) {
        try {
            Files.deleteIfExists(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
