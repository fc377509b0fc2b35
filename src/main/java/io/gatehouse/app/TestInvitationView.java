package io.gatehouse.app;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;

/** An invitation on the wire: only what the developer sent (the email or the account id), never an account's data. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TestInvitationView(long id, String email, Long accountId, String status, Instant createdAt) {
    public static TestInvitationView of(TestInvitation i) {
        return new TestInvitationView(i.id(), i.email(), i.accountId(), i.status().wire(), i.createdAt());
    }
}
