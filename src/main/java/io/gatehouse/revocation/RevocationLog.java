package io.gatehouse.revocation;

import java.time.Instant;
import java.util.List;

/** Where revocations are written down in order, so that a node that missed a message can catch up. */
public interface RevocationLog {
    /** Appends the entries; joins the caller's transaction when there is one. */
    void append(List<Revocation> entries, Instant at);

    /** Every entry written at or after {@code from}, oldest first. */
    List<Revocation> since(Instant from);
}
