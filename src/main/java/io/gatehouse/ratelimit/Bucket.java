package io.gatehouse.ratelimit;

/**
 * One bucket a request counts against (SPEC §6): whose it is ({@code key}, e.g. {@code app:<client_id>},
 * {@code key:<account_id>}, {@code route:<template>:app:<client_id>}), the policy name the RateLimit
 * headers show, and its per-minute limit.
 */
public record Bucket(String key, String policy, int limit) {
}
