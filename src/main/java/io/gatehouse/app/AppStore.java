package io.gatehouse.app;

import java.util.List;
import java.util.Optional;

/** Where apps live, with their test users. */
public interface AppStore {
    void insert(App app);

    Optional<App> byClientId(String clientId);

    List<App> byOwner(long ownerId);

    /** Every app, or those with this review status when it is not null. */
    List<App> list(App.ReviewStatus status);

    /** Writes every field of the app, test users included. */
    void update(App app);
}
