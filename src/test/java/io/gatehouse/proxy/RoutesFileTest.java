package io.gatehouse.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutesFileTest {
    @TempDir
    Path dir;

    private List<ProxyRoute> read(String yaml) throws Exception {
        Path f = dir.resolve("routes.yaml");
        Files.writeString(f, yaml);
        return RoutesFile.read(f);
    }

    @Test
    void routes_are_read_with_defaults_and_the_most_specific_prefix_first() throws Exception {
        List<ProxyRoute> routes = read("""
                routes:
                  - path: /v1.0/**
                    upstream: http://127.0.0.1:9000/
                  - path: /v1.0/ai/**
                    methods: [post, GET]
                    upstream: https://ai.internal
                    permission: ai.use
                    limit_per_minute: 20
                """);
        assertThat(routes).extracting(ProxyRoute::path).containsExactly("/v1.0/ai/**", "/v1.0/**");
        ProxyRoute ai = routes.get(0);
        assertThat(ai.methods()).containsExactlyInAnyOrder("POST", "GET");
        assertThat(ai.limitPerMinute()).isEqualTo(20);
        assertThat(ai.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(ai.matchesPath("/v1.0/ai")).isTrue();
        assertThat(ai.matchesPath("/v1.0/ai/chat")).isTrue();
        assertThat(ai.matchesPath("/v1.0/aix")).isFalse();
        assertThat(routes.get(1).upstream()).hasToString("http://127.0.0.1:9000");
        assertThat(routes.get(1).methods()).isEmpty();
    }

    @Test
    void an_empty_file_has_no_routes() throws Exception {
        assertThat(read("")).isEmpty();
    }

    @Test
    void mistakes_name_the_route_and_the_field() {
        assertThatThrownBy(() -> read("routes:\n  - path: v1/**\n    upstream: http://a\n")).hasMessageContaining("routes[0].path");
        assertThatThrownBy(() -> read("routes:\n  - path: /a/*/b\n    upstream: http://a\n")).hasMessageContaining("routes[0].path");
        assertThatThrownBy(() -> read("routes:\n  - path: /a\n")).hasMessageContaining("routes[0].upstream: required");
        assertThatThrownBy(() -> read("routes:\n  - path: /a\n    upstream: ftp://a\n")).hasMessageContaining("upstream");
        assertThatThrownBy(() -> read("routes:\n  - path: /a\n    upstream: http://a\n    methods: [FETCH]\n"))
                .hasMessageContaining("methods");
        assertThatThrownBy(() -> read("routes:\n  - path: /a\n    upstream: http://a\n    limit_per_minute: -1\n"))
                .hasMessageContaining("limit_per_minute");
        assertThatThrownBy(() -> read("routes:\n  - path: /a\n    upstream: http://a\n    permision: x\n"))
                .hasMessageContaining("unknown field 'permision'");
        assertThatThrownBy(() -> read("routes: [")).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> read("paths: []")).hasMessageContaining("routes:");
    }
}
