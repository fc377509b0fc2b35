package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.token.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiKeyFormatTest {
    private static final SigningKeys.Key KEY = hmac("k1", 1);
    private static final SigningKeys.Key OTHER = hmac("k2", 2);
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    private static SigningKeys.Key hmac(String kid, int seed) {
        byte[] secret = new byte[32];
        java.util.Arrays.fill(secret, (byte) seed);
        return new SigningKeys.Key(kid, SigningKeys.Purpose.API_KEY, secret, null, null, NOW);
    }

    @Test
    void every_key_starts_with_the_same_recognisable_header() {
        String a = ApiKeyFormat.mint(KEY, 1, 2, NOW, null);
        String b = ApiKeyFormat.mint(OTHER, 3, 4, NOW, NOW.plusSeconds(60));
        assertThat(a).startsWith(ApiKeyFormat.PREFIX);
        assertThat(b).startsWith(ApiKeyFormat.PREFIX);
        String header = new String(Base64.getUrlDecoder().decode(ApiKeyFormat.PREFIX.replace(".", "")), StandardCharsets.UTF_8);
        assertThat(header).isEqualTo("{\"alg\":\"HS256\",\"typ\":\"gatehouse-api-key\"}");
    }

    @Test
    void the_payload_carries_account_key_scope_and_times() {
        String key = ApiKeyFormat.mint(KEY, 11, 22, NOW, NOW.plusSeconds(3600));
        String payload = new String(Base64.getUrlDecoder().decode(key.split("\\.")[1]), StandardCharsets.UTF_8);
        assertThat(payload).contains("\"sub\":\"11\"", "\"jti\":\"22\"", "\"scope\":\"THIRD_PARTY_OPERATION\"",
                "\"iat\":" + NOW.getEpochSecond(), "\"exp\":" + (NOW.getEpochSecond() + 3600));
        ApiKeyFormat.Claims c = ApiKeyFormat.verify(key, List.of(KEY));
        assertThat(c).isEqualTo(new ApiKeyFormat.Claims(11, 22, NOW, NOW.plusSeconds(3600)));
    }

    @Test
    void a_key_without_expiry_has_no_exp() {
        String key = ApiKeyFormat.mint(KEY, 1, 2, NOW, null);
        assertThat(ApiKeyFormat.verify(key, List.of(KEY)).expiresAt()).isNull();
    }

    @Test
    void a_key_verifies_with_any_listed_key_so_rotation_keeps_it_working() {
        String key = ApiKeyFormat.mint(KEY, 1, 2, NOW, null);
        assertThat(ApiKeyFormat.verify(key, List.of(OTHER, KEY))).isNotNull();
        assertThat(ApiKeyFormat.verify(key, List.of(OTHER))).isNull();
    }

    @Test
    void anything_tampered_or_malformed_is_refused_without_throwing() {
        String key = ApiKeyFormat.mint(KEY, 1, 2, NOW, null);
        String[] parts = key.split("\\.");
        char c = parts[1].charAt(5);
        String changed = parts[0] + "." + parts[1].substring(0, 5) + (c == 'A' ? 'B' : 'A') + parts[1].substring(6) + "." + parts[2];
        for (String bad : new String[] {changed, key + "x", key.substring(0, key.length() - 2), ApiKeyFormat.PREFIX,
                ApiKeyFormat.PREFIX + "!!!.###", "garbage", "", ApiKeyFormat.PREFIX + "a".repeat(5000)}) {
            assertThat(ApiKeyFormat.verify(bad, List.of(KEY))).as(bad).isNull();
        }
    }
}
