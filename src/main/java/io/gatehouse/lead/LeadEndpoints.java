package io.gatehouse.lead;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.gatehouse.account.Accounts;
import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.JsonBody;
import io.gatehouse.http.Paging;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.gatehouse.store.IdGenerator;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** SPEC §7: the built-in leads API. Every lead is the credential's account's; another's is 404/20006. */
public final class LeadEndpoints {
    private static final int MAX_TAGS = 50;

    private final LeadStore store;
    private final IdGenerator ids;
    private final Clock clock;

    public LeadEndpoints(LeadStore store, IdGenerator ids, Clock clock) {
        this.store = store;
        this.ids = ids;
        this.clock = clock;
    }

    public void register(Router router) {
        router.add(new Route("GET", "/v1.0/leads", Route.Access.CREDENTIAL, "leads.read", this::list));
        router.add(new Route("POST", "/v1.0/leads", Route.Access.CREDENTIAL, "leads.write", this::create));
        router.add(new Route("GET", "/v1.0/leads/{leadId}", Route.Access.CREDENTIAL, "leads.read", this::get));
        router.add(new Route("PUT", "/v1.0/leads/{leadId}", Route.Access.CREDENTIAL, "leads.write", this::update));
        router.add(new Route("DELETE", "/v1.0/leads/{leadId}", Route.Access.CREDENTIAL, "leads.write", this::delete));
    }

    /** The wire form: the Lead without its owner. */
    @JsonIgnoreProperties("accountId")
    private record View(long leadId, String firstName, String lastName, String email, String phone, String stage,
                        String source, List<String> tags, Instant createTime, Instant updateTime) {
        static View of(Lead l) {
            return new View(l.leadId(), l.firstName(), l.lastName(), l.email(), l.phone(), l.stage(), l.source(),
                    l.tags(), l.createTime(), l.updateTime());
        }
    }

    private void list(Exchange ex) {
        Paging page = Paging.of(ex, 10);
        LeadQuery q = new LeadQuery(ex.principal().accountId(), filter(ex, "email", 254), filter(ex, "stage", 50),
                filter(ex, "source", 100), filter(ex, "key", 100), page.limit(), page.offset());
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("collection", "leads");
        meta.put("limit", page.limit());
        meta.put("offset", page.offset());
        meta.put("total", store.count(q));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("get_metadata", meta);
        out.put("leads", store.list(q).stream().map(View::of).toList());
        ex.json(200, out);
    }

    private void create(Exchange ex) {
        JsonBody b = ex.jsonObject();
        Instant now = clock.instant();
        Lead lead = new Lead(ids.next(), ex.principal().accountId(),
                b.requiredString("firstName", 100).strip(),
                blankToNull(b.optionalString("lastName", 100)),
                email(b.optionalString("email", 254)),
                blankToNull(b.optionalString("phone", 40)),
                blankToNull(b.optionalString("stage", 50)),
                blankToNull(b.optionalString("source", 100)),
                tags(b), now, now);
        store.insert(lead);
        ex.header("Location", "/v1.0/leads/" + lead.leadId());
        ex.json(201, Map.of("leadId", lead.leadId()));
    }

    private void get(Exchange ex) {
        ex.json(200, Map.of("lead", View.of(existing(ex))));
    }

    /**
     * Changes the fields the body names; the others keep their values. A field sent as JSON null (or
     * blank) is cleared, except firstName, which a lead always has.
     */
    private void update(Exchange ex) {
        Lead old = existing(ex);
        JsonBody b = ex.jsonObject();
        String firstName = b.present("firstName") ? b.requiredString("firstName", 100).strip() : old.firstName();
        Lead updated = new Lead(old.leadId(), old.accountId(), firstName,
                b.present("lastName") ? blankToNull(b.optionalString("lastName", 100)) : old.lastName(),
                b.present("email") ? email(b.optionalString("email", 254)) : old.email(),
                b.present("phone") ? blankToNull(b.optionalString("phone", 40)) : old.phone(),
                b.present("stage") ? blankToNull(b.optionalString("stage", 50)) : old.stage(),
                b.present("source") ? blankToNull(b.optionalString("source", 100)) : old.source(),
                b.present("tags") ? tags(b) : old.tags(),
                old.createTime(), clock.instant());
        if (!store.update(updated)) {
            throw notFound(old.leadId());
        }
        ex.json(200, Map.of("lead", View.of(updated)));
    }

    /** Moves the lead to the trash; {@code reason} is required. */
    private void delete(Exchange ex) {
        long id = leadId(ex);
        String reason = ex.query("reason");
        if (reason == null || reason.isBlank()) {
            throw ApiException.invalid("reason is required");
        }
        if (reason.length() > 500) {
            throw ApiException.invalid("reason must be at most 500 characters");
        }
        if (!store.trash(ex.principal().accountId(), id, reason.strip(), clock.instant())) {
            throw notFound(id);
        }
        ex.json(200, Map.of("leadId", id, "deleted", true));
    }

    private Lead existing(Exchange ex) {
        long id = leadId(ex);
        return store.find(ex.principal().accountId(), id).orElseThrow(() -> notFound(id));
    }

    private static long leadId(Exchange ex) {
        return ex.idParam("leadId", ApiError.LEAD_NOT_EXIST, "Lead");
    }

    private static ApiException notFound(long id) {
        return new ApiException(ApiError.LEAD_NOT_EXIST, "Lead " + id + " does not exist");
    }

    private static String filter(Exchange ex, String name, int max) {
        String v = ex.query(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        if (v.length() > max) {
            throw ApiException.invalid(name + " must be at most " + max + " characters");
        }
        return v.strip();
    }

    private static List<String> tags(JsonBody b) {
        List<String> tags = b.optionalStrings("tags", MAX_TAGS, 50);
        return tags == null ? List.of() : tags.stream().map(String::strip).filter(t -> !t.isEmpty()).distinct().toList();
    }

    private static String email(String email) {
        return email == null || email.isBlank() ? null : Accounts.checkEmail("email", email);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
