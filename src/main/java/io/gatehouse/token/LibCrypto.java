package io.gatehouse.token;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.List;

/**
 * The system's OpenSSL libcrypto (1.1.1 or 3.x), reached through JNA, for the one operation on a hot path where
 * the JDK is far behind it: making token signatures. On the benchmark machine OpenSSL 3.0 made 4,626 RS256
 * signatures a second on one core against the JDK's 1,379 (the signature was two thirds of a grant's CPU), and
 * ES256 ~4 × the JDK's (bench/README.md). Only signing goes native, through OpenSSL's one-shot
 * {@code EVP_DigestSign} with a context of its own per signature; keys are made, stored, published and verified
 * by the JDK as before.
 * RSASSA-PKCS1-v1_5 is deterministic, so an RS256 signature is byte for byte the one the JDK would make.
 * <p>
 * {@link #load} gives null where there is none to use (not Linux on a 64-bit CPU, no libcrypto.so.3 or .so.1.1,
 * JNA's stub not loadable, a symbol missing) and the caller keeps the JDK; docs/decisions.md says why native.
 */
public final class LibCrypto {
    /** What {@code GATEHOUSE_TOKEN_SIGNER} may say. */
    public enum Choice { AUTO, OPENSSL, JDK }

    private static final List<String> NAMES = List.of("libcrypto.so.3", "libcrypto.so.1.1");
    /** Room for any signature we make: RSA up to 4096 bits, a DER ECDSA P-256 signature ≤ 72 bytes. */
    private static final int MAX_SIGNATURE = 512;
    /** OPENSSL_init_crypto's flag (1.1.1b+) to register no atexit() clean-up. */
    private static final long OPENSSL_INIT_NO_ATEXIT = 0x00080000L;
    private static final Cleaner CLEANER = Cleaner.create(r -> Thread.ofPlatform().name("gatehouse-libcrypto-cleaner").daemon().unstarted(r));

    private final String description;

    private LibCrypto(String description) {
        this.description = description;
    }

    /** The library and its version, for the start-up log: {@code OpenSSL 3.0.19 27 Jan 2026 (libcrypto.so.3)}. */
    public String description() {
        return description;
    }

    /**
     * libcrypto as the setting asks: null for {@code jdk}, and for {@code auto} where none loads (the reason
     * in {@code why}, when given); {@code openssl} without one fails, so a node never silently signs slower
     * than its operator planned for.
     */
    public static LibCrypto forChoice(Choice choice, StringBuilder why) {
        if (choice == Choice.JDK) {
            return null;
        }
        StringBuilder reason = why != null ? why : new StringBuilder();
        LibCrypto crypto = load(reason);
        if (crypto == null && choice == Choice.OPENSSL) {
            throw new IllegalStateException("GATEHOUSE_TOKEN_SIGNER=openssl, but OpenSSL's libcrypto cannot be used here: " + reason);
        }
        return crypto;
    }

    /** Loaded once per JVM: JNA binds {@link Natives} to one library. */
    private static LibCrypto loaded;
    private static String notLoaded;

    /** libcrypto if one can be used on this machine, else null with the reason appended to {@code why}. */
    static synchronized LibCrypto load(StringBuilder why) {
        if (loaded == null && notLoaded == null) {
            StringBuilder reason = new StringBuilder();
            loaded = bind(NAMES, reason);
            notLoaded = loaded == null ? reason.toString() : null;
        }
        if (loaded == null) {
            why.append(notLoaded);
        }
        return loaded;
    }

    /** The first of {@code names} that loads and has every function we call, else null with each one's reason. */
    static LibCrypto bind(List<String> names, StringBuilder why) {
        if (!Platform.isLinux() || !Platform.is64Bit()) {
            why.append("only Linux on a 64-bit CPU is supported (this is ").append(System.getProperty("os.name"))
                    .append(' ').append(System.getProperty("os.arch")).append(')');
            return null;
        }
        for (String name : names) {
            try {
                NativeLibrary library = NativeLibrary.getInstance(name);
                Native.register(Natives.class, library);
                if (Natives.OpenSSL_version_num() < 0x1010100fL) {
                    why.append(name).append(" is older than OpenSSL 1.1.1");
                    return null;
                }
                // No clean-up at process exit: the JVM exits with threads that may still be in libcrypto.
                Natives.OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, null);
                return new LibCrypto(Natives.OpenSSL_version(0) + " (" + name + ")");
            } catch (LinkageError | RuntimeException e) {
                if (!why.isEmpty()) {
                    why.append("; ");
                }
                why.append(name).append(": ").append(e.getMessage());
            }
        }
        return null;
    }

    /**
     * A native copy of {@code key} (RSA or EC), made from its PKCS#8 encoding. The copies of the encoding made
     * here (on the Java heap and in the buffer handed to libcrypto) are wiped once parsed; libcrypto's own
     * parsing copies are its to free. The native key is freed when the returned handle is no longer reachable.
     */
    NativeKey privateKey(PrivateKey key) throws GeneralSecurityException {
        byte[] der = key.getEncoded();
        if (der == null) {
            throw new GeneralSecurityException("the key has no PKCS#8 encoding");
        }
        try (Memory buffer = new Memory(der.length)) {
            buffer.write(0, der, 0, der.length);
            Natives.ERR_clear_error();
            Pointer pkey = Natives.d2i_AutoPrivateKey(null, new PointerByReference(buffer), der.length);
            buffer.clear();
            if (pkey == null) {
                throw new GeneralSecurityException("libcrypto could not read the key: " + lastError());
            }
            return new NativeKey(pkey);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** The last error on this thread's OpenSSL queue (cleared before each call here), as its code; the queue is left empty. */
    private static String lastError() {
        long code = Natives.ERR_peek_last_error();
        Natives.ERR_clear_error();
        return "error 0x" + Long.toHexString(code);
    }

    /** An EVP_PKEY: read-only once made, so any number of threads may sign with it at once. */
    static final class NativeKey {
        private final Pointer pkey;

        NativeKey(Pointer pkey) {
            this.pkey = pkey;
            CLEANER.register(this, () -> Natives.EVP_PKEY_free(pkey));
        }

        /**
         * The SHA-256 signature of {@code input}: PKCS#1 v1.5 for an RSA key, DER-encoded ECDSA for an EC key.
         * A new digest context per call (allocating one is ~1% of a signature), so nothing is shared but the key.
         */
        byte[] signSha256(byte[] input) throws SignatureException {
            Pointer ctx = Natives.EVP_MD_CTX_new();
            if (ctx == null) {
                throw new SignatureException("libcrypto: no memory for a digest context");
            }
            try {
                Natives.ERR_clear_error();
                byte[] signature = new byte[MAX_SIGNATURE];
                LongByReference length = new LongByReference(signature.length);
                if (Natives.EVP_DigestSignInit(ctx, null, Natives.EVP_sha256(), null, pkey) != 1
                        || Natives.EVP_DigestSign(ctx, signature, length, input, input.length) != 1) {
                    throw new SignatureException("libcrypto could not sign: " + lastError());
                }
                return Arrays.copyOf(signature, (int) length.getValue());
            } finally {
                Natives.EVP_MD_CTX_free(ctx);
                // Until here the key must not be freed: without the fence the JIT may drop `this` once the
                // field is read, and the cleaner could free the EVP_PKEY while OpenSSL signs with it.
                Reference.reachabilityFence(this);
            }
        }
    }

    /** JNA direct mappings (C {@code long} and {@code size_t} are Java {@code long} on 64-bit Linux). */
    private static final class Natives {
        static native long OpenSSL_version_num();

        static native String OpenSSL_version(int type);

        static native Pointer d2i_AutoPrivateKey(Pointer reuse, PointerByReference der, long length);

        static native void EVP_PKEY_free(Pointer pkey);

        static native Pointer EVP_sha256();

        static native Pointer EVP_MD_CTX_new();

        static native void EVP_MD_CTX_free(Pointer ctx);

        static native int EVP_DigestSignInit(Pointer ctx, Pointer pctx, Pointer md, Pointer engine, Pointer pkey);

        static native int EVP_DigestSign(Pointer ctx, byte[] signature, LongByReference signatureLength, byte[] input, long inputLength);

        static native int OPENSSL_init_crypto(long options, Pointer settings);

        static native long ERR_peek_last_error();

        static native void ERR_clear_error();
    }
}
