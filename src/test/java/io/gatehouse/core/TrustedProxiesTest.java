package io.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** SPEC §1 GATEHOUSE_TRUSTED_PROXIES: whose X-Forwarded-For / Forwarded is believed, and which address is the client's. */
class TrustedProxiesTest {
    private final TrustedProxies lb = TrustedProxies.parse("10.0.0.0/8, 192.168.1.7, fd00::/8");

    @Test
    void with_no_trusted_proxy_the_client_is_the_tcp_peer_whatever_the_headers_say() {
        assertThat(TrustedProxies.NONE.clientAddress("10.1.2.3", List.of("1.2.3.4"), List.of())).isEqualTo("10.1.2.3");
    }

    @Test
    void a_peer_that_is_not_trusted_is_the_client_even_when_it_sends_forwarded_headers() {
        assertThat(lb.clientAddress("203.0.113.9", List.of("1.2.3.4"), List.of("for=5.6.7.8"))).isEqualTo("203.0.113.9");
    }

    @Test
    void behind_trusted_proxies_the_client_is_the_right_most_address_that_is_not_one_of_them() {
        // The client forged "6.6.6.6"; its own address was appended by the first proxy, then 10.0.0.2's hop by the LB.
        assertThat(lb.clientAddress("10.0.0.1", List.of("6.6.6.6, 198.51.100.7", "10.0.0.2"), List.of()))
                .isEqualTo("198.51.100.7");
        assertThat(lb.clientAddress("192.168.1.7", List.of("198.51.100.7:4711"), List.of())).isEqualTo("198.51.100.7");
        assertThat(lb.clientAddress("fd00::1", List.of("[2001:db8::5]:80"), List.of())).isEqualTo("2001:db8::5");
    }

    @Test
    void forwarded_is_read_when_there_is_no_x_forwarded_for() {
        assertThat(lb.clientAddress("10.0.0.1", List.of(), List.of("for=6.6.6.6, for=\"[2001:db8::1]:4711\";proto=https")))
                .isEqualTo("2001:db8::1");
        assertThat(lb.clientAddress("10.0.0.1", List.of(), List.of("for=198.51.100.7;by=10.0.0.1"))).isEqualTo("198.51.100.7");
    }

    @Test
    void garbage_in_the_chain_stops_the_walk_at_the_last_believed_hop() {
        assertThat(lb.clientAddress("10.0.0.1", List.of("evil.example"), List.of())).isEqualTo("10.0.0.1");
        assertThat(lb.clientAddress("10.0.0.1", List.of("1.2.3.4, x, 10.0.0.3"), List.of())).isEqualTo("10.0.0.3");
        assertThat(lb.clientAddress("10.0.0.1", List.of(), List.of("for=_hidden"))).isEqualTo("10.0.0.1");
    }

    @Test
    void when_every_hop_is_trusted_the_left_most_is_the_client() {
        assertThat(lb.clientAddress("10.0.0.1", List.of("10.9.9.9, 10.0.0.2"), List.of())).isEqualTo("10.9.9.9");
    }

    @Test
    void entries_are_addresses_or_cidrs_and_nothing_is_looked_up_in_dns() {
        assertThat(TrustedProxies.parse("").isEmpty()).isTrue();
        assertThat(TrustedProxies.parse("0.0.0.0/0").trusts("8.8.8.8")).isTrue();
        assertThat(TrustedProxies.parse("10.0.0.0/31").trusts("10.0.0.1")).isTrue();
        assertThat(TrustedProxies.parse("10.0.0.0/31").trusts("10.0.0.2")).isFalse();
        assertThat(TrustedProxies.parse("::1").trusts("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(lb.trusts("localhost")).isFalse();
        assertThatThrownBy(() -> TrustedProxies.parse("proxy.internal")).hasMessageContaining("proxy.internal");
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33")).hasMessageContaining("prefix length");
        assertThatThrownBy(() -> TrustedProxies.parse("256.1.1.1")).isInstanceOf(IllegalArgumentException.class);
    }
}
