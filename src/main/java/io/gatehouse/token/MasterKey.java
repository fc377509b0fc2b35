package io.gatehouse.token;

import io.gatehouse.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the server's signing keys at rest (AES-256-GCM, the key id as associated data).
 * The key comes from GATEHOUSE_MASTER_KEY (base64 of 32 bytes, or a passphrase of 32+ characters),
 * else from {@code master.key} in the data dir, created on first start with mode 0600.
 */
public final class MasterKey {
    private static final int NONCE_BYTES = 12;
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    private MasterKey(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    public static MasterKey of(String configured, Path dataDir) {
        if (configured != null) {
            return new MasterKey(fromText(configured));
        }
        Path file = dataDir.resolve("master.key");
        try {
            Database.createPrivateDirectory(dataDir);
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, Base64.getEncoder().encodeToString(fresh) + "\n");
                } catch (FileAlreadyExistsException raced) {
                    // another process created it first; read theirs
                } catch (UnsupportedOperationException notPosix) {
                    Files.writeString(file, Base64.getEncoder().encodeToString(fresh) + "\n");
                }
            }
            return new MasterKey(fromText(Files.readString(file).strip()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    /** A master key from its text: base64 of 32 bytes, or a passphrase of 32+ characters. */
    public static MasterKey parse(String text) {
        return new MasterKey(fromText(text.strip()));
    }

    /** A fresh random key, as its text (base64 of 32 bytes). */
    public static String generateText() {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        return Base64.getEncoder().encodeToString(fresh);
    }

    private static byte[] fromText(String text) {
        try {
            byte[] raw = Base64.getDecoder().decode(text);
            if (raw.length == 32) {
                return raw;
            }
        } catch (IllegalArgumentException notBase64) {
            // a passphrase
        }
        if (text.length() < 32) {
            throw new IllegalArgumentException("GATEHOUSE_MASTER_KEY must be base64 of 32 bytes or at least 32 characters");
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String encrypt(byte[] plain, String associated) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(plain);
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    /** The plain bytes, or null when this key did not seal them. */
    public byte[] decryptOrNull(String sealed, String associated) {
        try {
            return decrypt(sealed, associated);
        } catch (IllegalStateException | IllegalArgumentException e) {
            return null;
        }
    }

    public byte[] decrypt(String sealed, String associated) {
        try {
            byte[] in = Base64.getDecoder().decode(sealed);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, NONCE_BYTES));
            c.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("cannot decrypt signing key " + associated
                    + ": this node's master key differs from the one that encrypted it (set the same "
                    + "GATEHOUSE_MASTER_KEY on every node)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("decryption failed", e);
        }
    }
}
