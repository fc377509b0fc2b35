package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token signatures made by OpenSSL's libcrypto: the same RS256 bytes the JDK makes, ES256 that verifies, safe
 * from many threads at once, and the JDK wherever libcrypto is absent, refused, or fails its check on a key.
 */
class TokenSignersTest {
    private static LibCrypto crypto;

    @BeforeAll
    static void load() {
        StringBuilder why = new StringBuilder();
        crypto = LibCrypto.load(why);
        // Where the system has OpenSSL 3 (Debian 12+, Ubuntu 22.04+, this project's CI), the binding must work:
        // GATEHOUSE_TOKEN_SIGNER=auto would otherwise fall back to the JDK without anyone noticing.
        if (Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcrypto.so.3"))) {
            assertThat(crypto).as("libcrypto did not load: %s", why).isNotNull();
            assertThat(crypto.description()).startsWith("OpenSSL ").endsWith("(libcrypto.so.3)");
        }
    }

    private static SigningKeys.Key key(SigningAlgorithm algorithm, JWK jwk) {
        return new SigningKeys.Key(jwk.getKeyID(), SigningKeys.Purpose.ACCESS_TOKEN, null, jwk, algorithm, Instant.EPOCH);
    }

    private static void assumeLibCrypto() {
        org.junit.jupiter.api.Assumptions.assumeTrue(crypto != null, "no libcrypto on this machine");
    }

    @Test
    void an_rs256_signature_from_libcrypto_is_byte_for_byte_the_jdks() throws Exception {
        assumeLibCrypto();
        JWK jwk = SigningAlgorithm.RS256.generate("k1");
        JWSSigner signer = new TokenSigners(crypto).nativeOf(key(SigningAlgorithm.RS256, jwk));
        assertThat(signer).isNotNull();
        for (String text : List.of("", "a", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0", "é".repeat(5_000))) {
            byte[] input = text.getBytes(StandardCharsets.UTF_8);
            Signature jdk = Signature.getInstance("SHA256withRSA");
            jdk.initSign(jwk.toRSAKey().toPrivateKey());
            jdk.update(input);
            assertThat(signer.sign(new JWSHeader(JWSAlgorithm.RS256), input).decode()).isEqualTo(jdk.sign());
        }
    }

    @Test
    void an_es256_token_signed_by_libcrypto_verifies_with_nimbus() throws Exception {
        assumeLibCrypto();
        JWK jwk = SigningAlgorithm.ES256.generate("k2");
        JWSSigner signer = new TokenSigners(crypto).of(key(SigningAlgorithm.ES256, jwk));
        assertThat(signer).isInstanceOf(TokenSigners.LibCryptoSigner.class);
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k2").build(), new Payload("{\"sub\":\"1\"}"));
        jws.sign(signer);
        assertThat(jws.getSignature().decode()).hasSize(64); // r||s, not DER (RFC 7518 §3.4)
        assertThat(JWSObject.parse(jws.serialize()).verify(new ECDSAVerifier(jwk.toECKey().toECPublicKey()))).isTrue();
    }

    @Test
    void one_native_key_signs_correctly_from_many_threads_at_once() throws Exception {
        assumeLibCrypto();
        JWK jwk = SigningAlgorithm.RS256.generate("k3");
        JWSSigner signer = new TokenSigners(crypto).of(key(SigningAlgorithm.RS256, jwk));
        RSASSAVerifier verifier = new RSASSAVerifier(jwk.toRSAKey().toRSAPublicKey());
        List<Callable<Boolean>> jobs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String claims = "{\"n\":" + i + "}";
            jobs.add(() -> {
                JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.RS256), new Payload(claims));
                jws.sign(signer);
                JWSObject back = JWSObject.parse(jws.serialize());
                return back.verify(verifier) && back.getPayload().toString().equals(claims);
            });
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (Future<Boolean> f : pool.invokeAll(jobs)) {
                assertThat(f.get()).isTrue();
            }
        }
    }

    @Test
    void a_key_whose_native_signature_does_not_verify_signs_through_the_jdk() throws Exception {
        assumeLibCrypto();
        // A JWK pairing one key's public half with another's private half: libcrypto signs with the private
        // half, the check verifies with the public half, fails, and the key falls back to the JDK's signer.
        KeyPair a = SigningAlgorithm.newRsaKeyPair();
        KeyPair b = SigningAlgorithm.newRsaKeyPair();
        JWK mismatched = new RSAKey.Builder((java.security.interfaces.RSAPublicKey) a.getPublic()).privateKey(b.getPrivate())
                .keyID("k4").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).build();
        TokenSigners signers = new TokenSigners(crypto);
        SigningKeys.Key key = key(SigningAlgorithm.RS256, mismatched);
        assertThat(signers.nativeOf(key)).isNull();
        assertThat(signers.of(key)).isNotInstanceOf(TokenSigners.LibCryptoSigner.class);
    }

    @Test
    void a_p384_key_labelled_es256_never_goes_to_libcrypto() throws Exception {
        assumeLibCrypto();
        // The JDK would verify its probe (SHA256withECDSA takes any curve), but it is not an ES256 key: Nimbus's
        // signer says it is for ES384, so libcrypto is not asked to sign ES256 tokens with it.
        JWK p384 = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_384).keyID("k8")
                .keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).generate();
        assertThat(new TokenSigners(crypto).nativeOf(key(SigningAlgorithm.ES256, p384))).isNull();
    }

    @Test
    void eddsa_keys_and_nodes_set_to_the_jdk_sign_through_the_jdk() throws Exception {
        SigningKeys.Key ed = key(SigningAlgorithm.EdDSA, SigningAlgorithm.EdDSA.generate("k5"));
        assertThat(new TokenSigners(crypto).nativeOf(ed)).isNull();
        SigningKeys.Key rsa = key(SigningAlgorithm.RS256, SigningAlgorithm.RS256.generate("k6"));
        assertThat(LibCrypto.forChoice(LibCrypto.Choice.JDK, null)).isNull();
        TokenSigners jdk = new TokenSigners(null);
        assertThat(jdk.nativeOf(rsa)).isNull();
        assertThat(jdk.description(SigningAlgorithm.RS256)).isEqualTo("the JDK");
        assertThat(new TokenSigners(crypto).description(SigningAlgorithm.EdDSA)).startsWith("BouncyCastle");
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.RS256), new Payload("{}"));
        jws.sign(jdk.of(rsa));
        assertThat(jws.verify(new RSASSAVerifier(rsa.jwk().toRSAKey().toRSAPublicKey()))).isTrue();
    }

    @Test
    void a_retired_key_loses_its_signer_and_a_signer_signs_only_its_own_algorithm() throws Exception {
        assumeLibCrypto();
        TokenSigners signers = new TokenSigners(crypto);
        SigningKeys.Key key = key(SigningAlgorithm.RS256, SigningAlgorithm.RS256.generate("k7"));
        JWSSigner first = signers.of(key);
        assertThat(signers.of(key)).isSameAs(first);
        signers.keepOnly(List.of("another"));
        assertThat(signers.of(key)).isNotSameAs(first);
        assertThatThrownBy(() -> first.sign(new JWSHeader(JWSAlgorithm.ES256), new byte[] {1}))
                .hasMessageContaining("ES256");
    }

    @Test
    void a_machine_without_libcrypto_is_told_why_for_every_name_tried() {
        StringBuilder why = new StringBuilder();
        assertThat(LibCrypto.bind(List.of("libcrypto-absent.so.9", "libcrypto-absent.so.8"), why)).isNull();
        assertThat(why.toString()).contains("libcrypto-absent.so.9: ").contains("; libcrypto-absent.so.8: ");
    }

    @Test
    void a_node_told_to_use_openssl_does_not_start_without_it() {
        if (crypto != null) {
            assertThat(LibCrypto.forChoice(LibCrypto.Choice.OPENSSL, null)).isSameAs(crypto);
            assertThat(LibCrypto.forChoice(LibCrypto.Choice.AUTO, null)).isSameAs(crypto);
        } else {
            assertThatThrownBy(() -> LibCrypto.forChoice(LibCrypto.Choice.OPENSSL, null))
                    .hasMessageContaining("GATEHOUSE_TOKEN_SIGNER=openssl");
            assertThat(LibCrypto.forChoice(LibCrypto.Choice.AUTO, null)).isNull();
        }
    }
}
