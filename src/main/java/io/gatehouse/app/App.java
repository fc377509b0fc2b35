package io.gatehouse.app;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A registered third-party app (SPEC §5, §8). Holds only a hash of its secret.
 *
 * @param rateLimitOverride an admin's per-minute limit, or null for the mode's default
 * @param introspect set by an admin for resource servers: introspection tells this app about every
 *                   token, not only its own (SPEC §11 v2)
 * @param pendingPermissions in production, a permission set that adds permissions and waits for review
 * @param version the stored row's version: a change written from an older version is refused
 */
public record App(
        String clientId,
        long ownerId,
        String name,
        String description,
        ClientType type,
        String secretHash,
        List<String> redirectUris,
        List<String> permissions,
        List<String> pendingPermissions,
        Mode mode,
        ReviewStatus reviewStatus,
        String reviewNote,
        Integer rateLimitOverride,
        boolean introspect,
        Set<Long> testUsers,
        Instant createdAt,
        Instant updatedAt,
        long version) {

    public static final int DEVELOPMENT_LIMIT = 100;
    public static final int PRODUCTION_LIMIT = 500;

    public enum ClientType {
        PUBLIC, CONFIDENTIAL;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Mode {
        DEVELOPMENT, PRODUCTION;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum ReviewStatus {
        DRAFT, PENDING, APPROVED, DECLINED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** SPEC §6: 100 in development, 500 in production, unless an admin set another value. */
    public int rateLimitPerMinute() {
        if (rateLimitOverride != null) {
            return rateLimitOverride;
        }
        return mode == Mode.PRODUCTION ? PRODUCTION_LIMIT : DEVELOPMENT_LIMIT;
    }

    /** SPEC §8: in development only the owner and listed test users may authorize the app. */
    public boolean mayBeAuthorizedBy(long accountId) {
        return mode == Mode.PRODUCTION || isOwnerOrTestUser(accountId);
    }

    /** The app's developer or one of its test users: those who try it before (and whatever) an admin reviewed. */
    public boolean isOwnerOrTestUser(long accountId) {
        return ownerId == accountId || testUsers.contains(accountId);
    }

    public boolean isConfidential() {
        return type == ClientType.CONFIDENTIAL;
    }

    public App withSecretHash(String hash, Instant now) {
        return new App(clientId, ownerId, name, description, type, hash, redirectUris, permissions, pendingPermissions,
                mode, reviewStatus, reviewNote, rateLimitOverride, introspect, testUsers, createdAt, now, version);
    }

    public App withDetails(String name, String description, List<String> redirectUris, Instant now) {
        return new App(clientId, ownerId, name, description, type, secretHash, redirectUris, permissions,
                pendingPermissions, mode, reviewStatus, reviewNote, rateLimitOverride, introspect, testUsers, createdAt, now, version);
    }

    public App withPermissions(List<String> permissions, List<String> pending, ReviewStatus status, Instant now) {
        return new App(clientId, ownerId, name, description, type, secretHash, redirectUris, permissions, pending,
                mode, status, reviewNote, rateLimitOverride, introspect, testUsers, createdAt, now, version);
    }

    public App withReview(Mode mode, ReviewStatus status, String note, Instant now) {
        return new App(clientId, ownerId, name, description, type, secretHash, redirectUris, permissions,
                pendingPermissions, mode, status, note, rateLimitOverride, introspect, testUsers, createdAt, now, version);
    }

    public App withRateLimit(Integer override, Instant now) {
        return new App(clientId, ownerId, name, description, type, secretHash, redirectUris, permissions,
                pendingPermissions, mode, reviewStatus, reviewNote, override, introspect, testUsers, createdAt, now, version);
    }

    public App withIntrospect(boolean introspect, Instant now) {
        return new App(clientId, ownerId, name, description, type, secretHash, redirectUris, permissions,
                pendingPermissions, mode, reviewStatus, reviewNote, rateLimitOverride, introspect, testUsers, createdAt, now, version);
    }

    public App withTestUsers(Set<Long> users, Instant now) {
        return new App(clientId, ownerId, name, description, type, secretHash, redirectUris, permissions,
                pendingPermissions, mode, reviewStatus, reviewNote, rateLimitOverride, introspect, Set.copyOf(users), createdAt, now, version);
    }

    /** The same app as stored at {@code version}. */
    public App withVersion(long version) {
        return new App(clientId, ownerId, name, description, type, secretHash, redirectUris, permissions,
                pendingPermissions, mode, reviewStatus, reviewNote, rateLimitOverride, introspect, testUsers, createdAt, updatedAt, version);
    }

    @Override
    public String toString() {
        return "App[" + clientId + " " + name + "]";
    }
}
