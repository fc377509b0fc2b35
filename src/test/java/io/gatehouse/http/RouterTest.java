package io.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RouterTest {
    private static final Endpoint NOOP = ex -> { };

    private final Router router = new Router()
            .add(new Route("GET", "/v1.0/leads", Route.Access.CREDENTIAL, "leads.read", NOOP))
            .add(new Route("POST", "/v1.0/leads", Route.Access.CREDENTIAL, "leads.write", NOOP))
            .add(new Route("GET", "/v1.0/leads/{leadId}", Route.Access.CREDENTIAL, "leads.read", NOOP))
            .add(new Route("DELETE", "/v1.0/leads/{leadId}", Route.Access.CREDENTIAL, "leads.write", NOOP));

    @Test
    void a_static_path_matches_by_method() {
        assertThat(router.match("POST", "/v1.0/leads").route().permission()).isEqualTo("leads.write");
    }

    @Test
    void a_template_binds_its_parameters_decoded() {
        Router.Match m = router.match("GET", "/v1.0/leads/a%20b");
        assertThat(m.route().template()).isEqualTo("/v1.0/leads/{leadId}");
        assertThat(m.params()).containsEntry("leadId", "a b");
    }

    @Test
    void a_plus_in_a_path_parameter_stays_a_plus() {
        assertThat(router.match("GET", "/v1.0/leads/a+b").params()).containsEntry("leadId", "a+b");
    }

    @Test
    void a_known_path_with_another_method_lists_the_allowed_ones() {
        Router.Match m = router.match("PATCH", "/v1.0/leads/7");
        assertThat(m.found()).isFalse();
        assertThat(m.allow()).isEqualTo("DELETE, GET");
    }

    @Test
    void an_unknown_path_has_no_route_and_no_allow() {
        Router.Match m = router.match("GET", "/v1.0/leads/7/notes");
        assertThat(m.found()).isFalse();
        assertThat(m.allow()).isNull();
    }

    @Test
    void a_trailing_slash_is_the_same_path_but_an_empty_segment_is_not_a_parameter() {
        assertThat(router.match("GET", "/v1.0/leads/").found()).isTrue();
        assertThat(router.match("GET", "/v1.0/leads//").found()).isFalse();
    }

    @Test
    void two_routes_for_the_same_method_and_path_are_a_wiring_bug() {
        assertThatThrownBy(() -> router.add(new Route("GET", "/v1.0/leads", Route.Access.OPEN, null, NOOP)))
                .isInstanceOf(IllegalStateException.class);
    }
}
