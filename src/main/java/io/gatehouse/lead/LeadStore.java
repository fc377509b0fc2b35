package io.gatehouse.lead;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where leads live. Every read is scoped to one account; trashed leads are invisible. */
public interface LeadStore {
    void insert(Lead lead);

    Optional<Lead> find(long accountId, long leadId);

    List<Lead> list(LeadQuery q);

    long count(LeadQuery q);

    /** Replaces the lead's fields; false if it does not exist for this account. */
    boolean update(Lead lead);

    /** Moves the lead to the trash with a reason; false if it does not exist for this account. */
    boolean trash(long accountId, long leadId, String reason, Instant now);
}
