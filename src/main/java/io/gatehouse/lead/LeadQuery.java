package io.gatehouse.lead;

/** A page of an account's leads, with optional exact filters and a free-text {@code key}. */
public record LeadQuery(long accountId, String email, String stage, String source, String key, int limit, int offset) {
}
