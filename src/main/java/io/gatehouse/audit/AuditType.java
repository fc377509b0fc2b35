package io.gatehouse.audit;

import java.util.Arrays;
import java.util.Optional;

/** Every kind of audit event (SPEC §9), with the name it has in the API. */
public enum AuditType {
    ACCOUNT_CREATED("account.created"),
    ACCOUNT_CHANGED("account.changed"),
    ACCOUNT_DISABLED("account.disabled"),
    ACCOUNT_DELETED("account.deleted"),
    LOGIN_SUCCEEDED("login.succeeded"),
    LOGIN_FAILED("login.failed"),
    PASSWORD_CHANGED("password.changed"),
    PASSWORD_RESET("password.reset"),
    KEY_CREATED("key.created"),
    KEY_REVOKED("key.revoked"),
    KEY_EXPIRED_IN_USE("key.expired_in_use"),
    APP_CREATED("app.created"),
    APP_CHANGED("app.changed"),
    APP_SECRET_ROTATED("app.secret_rotated"),
    APP_SUBMITTED("app.submitted"),
    APP_APPROVED("app.approved"),
    APP_DECLINED("app.declined"),
    APP_DELETED("app.deleted"),
    APP_LIMIT_CHANGED("app.limit_changed"),
    AUTHORIZATION_GRANTED("authorization.granted"),
    AUTHORIZATION_REVOKED("authorization.revoked"),
    REFRESH_TOKEN_REUSED("refresh_token.reused"),
    CODE_REUSED("authorization_code.reused"),
    SIGNING_KEY_ROTATED("signing_key.rotated"),
    SIGNING_KEY_RETIRED("signing_key.retired"),
    ADMIN_TOKEN_REFUSED("admin_token.refused");

    private final String wire;

    AuditType(String wire) {
        this.wire = wire;
    }

    /** The name in the API and the database, e.g. {@code app.created}. */
    public String wire() {
        return wire;
    }

    public static Optional<AuditType> ofWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(name)).findFirst();
    }
}
