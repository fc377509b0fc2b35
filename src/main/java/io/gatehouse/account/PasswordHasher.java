package io.gatehouse.account;

import io.gatehouse.core.DomainException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (SPEC §11: memory-hard), in the PHC string format
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}. The defaults are OWASP's minimum
 * recommendation; stored hashes carry their own parameters, so raising them later keeps old
 * passwords working. Every hash and check passes through a {@link HashingGate}, so only a bounded number run
 * at once.
 */
public final class PasswordHasher {
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final SecureRandom random = new SecureRandom();
    private final HashingGate gate;

    public PasswordHasher() {
        this(19_456, 2, 1, HashingGate.forThisMachine());
    }

    public PasswordHasher(int memoryKib, int iterations, int parallelism) {
        this(memoryKib, iterations, parallelism, HashingGate.forThisMachine());
    }

    public PasswordHasher(int memoryKib, int iterations, int parallelism, HashingGate gate) {
        this.gate = gate;
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash;
        try (HashingGate.Permit turn = gate.enter()) {
            hash = derive(password, salt, memoryKib, iterations, parallelism, HASH_BYTES);
        }
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /**
     * Constant-time check of a password against a stored PHC string; a malformed string never matches.
     *
     * @throws io.gatehouse.core.DomainException unavailable, when too many hashes are running already
     */
    public boolean verify(String password, String stored) {
        String[] parts = stored.split("\\$");
        // ["", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash]
        if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
            return false;
        }
        try {
            int m = 0;
            int t = 0;
            int p = 0;
            for (String kv : parts[3].split(",")) {
                int v = Integer.parseInt(kv.substring(2));
                switch (kv.charAt(0)) {
                    case 'm' -> m = v;
                    case 't' -> t = v;
                    case 'p' -> p = v;
                    default -> {
                        return false;
                    }
                }
            }
            byte[] salt = B64D.decode(parts[4]);
            byte[] expected = B64D.decode(parts[5]);
            try (HashingGate.Permit turn = gate.enter()) {
                return MessageDigest.isEqual(expected, derive(password, salt, m, t, p, expected.length));
            }
        } catch (DomainException busy) {
            throw busy;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static byte[] derive(String password, byte[] salt, int m, int t, int p, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(m)
                .withIterations(t)
                .withParallelism(p)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[length];
        gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
