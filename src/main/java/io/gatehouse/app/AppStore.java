package io.gatehouse.app;

import java.util.List;
import java.util.Optional;

/** Where apps live, with their test users. */
public interface AppStore {
    /**
     * Stores a new app unless its owner already has {@code maxPerOwner} apps, and says which; counting
     * and inserting are one step, so owners creating apps at once on many nodes cannot pass the cap.
     */
    boolean insert(App app, int maxPerOwner);

    default void insert(App app) {
        insert(app, Integer.MAX_VALUE);
    }

    Optional<App> byClientId(String clientId);

    List<App> byOwner(long ownerId);

    /** Every app, or those with this review status when it is not null. */
    List<App> list(App.ReviewStatus status);

    /**
     * Writes the app's fields, test users included, but never its secret hash, if the stored row is still
     * at {@code app.version()}; the row's version goes up by one. False, changing nothing, when another
     * change came first (the caller reads the app again and retries).
     */
    boolean update(App app);

    /** Replaces the secret hash whatever else changed meanwhile (the version goes up); the app as stored after. */
    Optional<App> setSecretHash(String clientId, String secretHash, java.time.Instant now);
}
