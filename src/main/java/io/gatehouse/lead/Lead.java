package io.gatehouse.lead;

import java.time.Instant;
import java.util.List;

/** A lead of the built-in API; it belongs to exactly one account. */
public record Lead(long leadId, long accountId, String firstName, String lastName, String email, String phone,
                   String stage, String source, List<String> tags, Instant createTime, Instant updateTime) {
}
