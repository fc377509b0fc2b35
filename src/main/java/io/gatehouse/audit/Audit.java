package io.gatehouse.audit;

import io.gatehouse.store.GroupCommit;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.store.Jdbc;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The audit log (SPEC §9). A change and its event are one transaction: a service runs its writes in
 * {@link #inTransaction} and calls {@link #record} inside it, so the event is written with its change
 * or not at all. Called outside a transaction, {@code record} writes the event on its own (for events
 * that change nothing, such as a failed login).
 */
public final class Audit {
    /** Values that look like one of our credentials or a JWT are refused, so no secret reaches {@code details}. */
    private static final Pattern SECRET_LIKE = Pattern.compile(
            "gh[sr]_[A-Za-z0-9_\\-]{8,}|eyJ[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+");
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(secret|password|token|credential).*");
    private static final int MAX_TEXT = 200;

    private final AuditStore store;
    private final Jdbc jdbc;
    private final IdGenerator ids;
    private final Clock clock;
    private final GroupCommit groupCommit;

    public Audit(AuditStore store, Jdbc jdbc, IdGenerator ids, Clock clock) {
        this.store = store;
        this.jdbc = jdbc;
        this.ids = ids;
        this.clock = clock;
        this.groupCommit = new GroupCommit(jdbc);
    }

    /** An audit log in memory without a database (transactions are then just the work), for tests. */
    public static Audit inMemory(Clock clock) {
        return new Audit(new InMemoryAuditStore(), null, new IdGenerator(clock), clock);
    }

    /** An event being described; record it with {@link #record(Event)}. */
    public static Event event(AuditType type) {
        return new Event(type);
    }

    /** Runs work in one database transaction; every store write and audit record inside it commits together. */
    public <T> T inTransaction(Supplier<T> work) {
        return jdbc == null ? work.get() : jdbc.inTransaction(work);
    }

    /** {@link #inTransaction(Supplier)} for work with no result. */
    public void inTransactionRun(Runnable work) {
        inTransaction(() -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs inserts, and the audit events of them, in a transaction shared with other threads' concurrent
     * calls (group commit, {@link GroupCommit}); returns once that transaction has committed. The work may
     * run on another thread: it must only insert through stores, with events made beforehand by
     * {@link #describe} and written by {@link #insert}, never {@link #record} (which reads this thread's
     * request context).
     */
    public void inGroupCommit(Runnable work) {
        groupCommit.run(work);
    }

    /** {@link #inGroupCommit(Runnable)} for work that locks a row: {@code lockOrder} is its key ({@link GroupCommit#run(long, Runnable)}). */
    public void inGroupCommit(long lockOrder, Runnable work) {
        groupCommit.run(lockOrder, work);
    }

    /**
     * Writes the event: inside the caller's transaction when there is one (same connection, so it
     * commits or rolls back with the change), else on its own. Returns what was written.
     */
    public AuditEvent record(Event e) {
        AuditEvent event = describe(e);
        store.insert(event);
        return event;
    }

    /** The event as {@link #record} would write it (id, time, and this thread's request context), not yet written. */
    public AuditEvent describe(Event e) {
        AuditContext.Request ctx = AuditContext.current();
        String actor = e.actorSet ? e.actor : ctx.actor().get();
        return new AuditEvent(ids.next(), clock.instant(), e.type.wire(), actor, e.accountId, e.clientId,
                ctx.ip(), ctx.requestId(), e.details);
    }

    /** Writes an event made by {@link #describe}, in the current transaction if there is one. */
    public void insert(AuditEvent event) {
        store.insert(event);
    }

    public List<AuditEvent> find(AuditQuery q) {
        return store.find(q);
    }

    /** A builder for one event; details are plain values (text, numbers, booleans, lists of text). */
    public static final class Event {
        private final AuditType type;
        private boolean actorSet;
        private String actor;
        private Long accountId;
        private String clientId;
        private final Map<String, Object> details = new LinkedHashMap<>();

        private Event(AuditType type) {
            this.type = type;
        }

        /** Overrides the request's actor (e.g. the account that just logged in). */
        public Event actor(String actor) {
            this.actorSet = true;
            this.actor = actor;
            return this;
        }

        /** The account the event is about. */
        public Event account(Long accountId) {
            this.accountId = accountId;
            return this;
        }

        /** The app the event is about. */
        public Event client(String clientId) {
            this.clientId = clientId;
            return this;
        }

        /** One detail; never a secret: a name that says secret is refused, a value that looks like a credential is blotted out. */
        public Event detail(String name, Object value) {
            if (SECRET_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("audit detail '" + name + "' names a secret");
            }
            if (value == null) {
                return this;
            }
            details.put(name, check(name, value));
            return this;
        }

        private static Object check(String name, Object value) {
            return switch (value) {
                case String s -> {
                    // free text (a review note) might quote a credential: it is blotted out, never stored
                    String clean = SECRET_LIKE.matcher(s).replaceAll("[redacted]");
                    yield clean.length() > MAX_TEXT ? clean.substring(0, MAX_TEXT) + "…" : clean;
                }
                case Number n -> n;
                case Boolean b -> b;
                case java.util.Collection<?> c -> c.stream().map(v -> check(name, String.valueOf(v))).toList();
                case Enum<?> en -> en.name().toLowerCase(java.util.Locale.ROOT);
                default -> check(name, value.toString());
            };
        }
    }
}
