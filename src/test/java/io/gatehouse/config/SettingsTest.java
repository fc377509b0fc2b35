package io.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @Test
    void with_no_settings_a_node_runs_alone_on_the_default_ports() {
        Settings s = Settings.defaults();
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.adminPort()).isEqualTo(8081);
        assertThat(s.adminBind()).isEqualTo("127.0.0.1");
        assertThat(s.dataDir()).isEqualTo(Path.of("./gatehouse-data"));
        assertThat(s.usesPostgres()).isFalse();
        assertThat(s.redisUrl()).isNull();
        assertThat(s.accessTokenTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(s.refreshTokenTtl()).isEqualTo(Duration.ofDays(30));
        assertThat(s.apiKeyRateLimit()).isEqualTo(100);
        assertThat(s.maxBodyBytes()).isEqualTo(1 << 20);
        assertThat(s.issuerFor(8080)).isEqualTo("http://localhost:8080");
    }

    @Test
    void the_environment_sets_every_value() {
        Settings s = Settings.load(Map.of(
                "GATEHOUSE_PORT", "9000", "GATEHOUSE_ADMIN_PORT", "0",
                "GATEHOUSE_ISSUER", "https://api.example.com/",
                "GATEHOUSE_DB_URL", "jdbc:postgresql://db:5432/gh",
                "GATEHOUSE_ACCESS_TOKEN_TTL", "15m", "GATEHOUSE_REFRESH_TOKEN_TTL", "7d"), null);
        assertThat(s.port()).isEqualTo(9000);
        assertThat(s.adminPort()).isZero();
        assertThat(s.issuerFor(9000)).isEqualTo("https://api.example.com");
        assertThat(s.usesPostgres()).isTrue();
        assertThat(s.accessTokenTtl()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.refreshTokenTtl()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void a_config_file_uses_the_same_names_in_lower_case_and_the_environment_wins(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gatehouse.conf");
        Files.writeString(file, """
                # comment
                gatehouse_port=9100
                gatehouse_admin_port: 9101
                api_key_rate_limit = 250
                gatehouse_data_dir: "/var/lib/gatehouse"
                """);
        Settings s = Settings.load(Map.of("GATEHOUSE_ADMIN_PORT", "9200"), file);
        assertThat(s.port()).isEqualTo(9100);
        assertThat(s.adminPort()).isEqualTo(9200);
        assertThat(s.apiKeyRateLimit()).isEqualTo(250);
        assertThat(s.dataDir()).isEqualTo(Path.of("/var/lib/gatehouse"));
    }

    @Test
    void an_unknown_name_in_a_config_file_is_reported_with_its_line(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gatehouse.conf");
        Files.writeString(file, "gatehouse_port=9100\ngatehouse_prot=1\n");
        assertThatThrownBy(() -> Settings.load(Map.of(), file))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("line 2").hasMessageContaining("gatehouse_prot");
    }

    @Test
    void a_config_file_that_cannot_be_read_says_why_in_plain_words(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> Settings.load(Map.of(), dir.resolve("missing.conf")))
                .isInstanceOf(SettingsException.class).hasMessage("config file " + dir.resolve("missing.conf") + " does not exist");
        assertThatThrownBy(() -> Settings.load(Map.of(), dir))
                .isInstanceOf(SettingsException.class).hasMessage("config file " + dir + " is a directory");
        assertThatThrownBy(() -> Settings.load(Map.of(), Path.of("")))
                .isInstanceOf(SettingsException.class).hasMessage("--config needs a file name");
        Path latin1 = dir.resolve("latin1.conf");
        Files.write(latin1, new byte[] {'#', ' ', (byte) 0xE9, '\n'});
        assertThatThrownBy(() -> Settings.load(Map.of(), latin1))
                .isInstanceOf(SettingsException.class).hasMessage("config file " + latin1 + " is not UTF-8 text");
    }

    @Test
    void a_bad_value_names_the_setting_and_what_it_should_be() {
        assertThatThrownBy(() -> Settings.load(Map.of("GATEHOUSE_PORT", "80a"), null))
                .hasMessageContaining("GATEHOUSE_PORT").hasMessageContaining("'80a'");
        assertThatThrownBy(() -> Settings.load(Map.of("GATEHOUSE_ACCESS_TOKEN_TTL", "soon"), null))
                .hasMessageContaining("GATEHOUSE_ACCESS_TOKEN_TTL");
        assertThatThrownBy(() -> Settings.load(Map.of("GATEHOUSE_DB_URL", "mysql://x"), null))
                .hasMessageContaining("PostgreSQL JDBC URL");
        assertThatThrownBy(() -> Settings.load(Map.of("GATEHOUSE_RATE_LIMIT_ON_REDIS_FAILURE", "maybe"), null))
                .hasMessageContaining("allow, deny, local");
    }

    @Test
    void a_bad_secret_is_never_echoed() {
        assertThatThrownBy(() -> Settings.load(Map.of("GATEHOUSE_ADMIN_TOKEN", "short"), null))
                .hasMessageNotContaining("short\"").hasMessageContaining("at least 16");
    }

    @Test
    void the_startup_description_hides_database_passwords() {
        Settings s = Settings.load(Map.of("GATEHOUSE_DB_URL", "jdbc:postgresql://u:hunter2@db/gh?password=hunter2",
                "GATEHOUSE_ADMIN_TOKEN", "0123456789abcdef0123"), null);
        assertThat(s.describe()).doesNotContain("hunter2").doesNotContain("0123456789abcdef0123");
    }

    @Test
    void durations_take_seconds_or_a_unit() {
        assertThat(Durations.parse("3600")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> Durations.parse("2w")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void an_unknown_gatehouse_variable_is_warned_about_naming_the_closest_setting_and_known_ones_are_not() {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("GATEHOUSE_PROT", "9000");
        env.put("GATEHOUSE_TRUSTED_PROXY", "10.0.0.1");
        env.put("GATEHOUSE_PORT", "9000");
        env.put("GATEHOUSE_JAVA_OPTS", "-Xmx1g");
        env.put("GATEHOUSE_ADMIN_URL", "http://127.0.0.1:8081");
        env.put("GATEHOUSE_BASE_URL", "http://127.0.0.1:8080");
        env.put("GATEHOUSE_CLIENT_SECRET", "secret-value");
        env.put("GATEHOUSE_LOG_LEVEL", "DEBUG");
        env.put("GATEHOUSE_TEST_PG_URL", "jdbc:postgresql://x");
        env.put("PATH", "/usr/bin");
        assertThat(Settings.unknownVariables(env)).containsExactly(
                "Unknown setting GATEHOUSE_PROT is ignored (did you mean GATEHOUSE_PORT?)",
                "Unknown setting GATEHOUSE_TRUSTED_PROXY is ignored (did you mean GATEHOUSE_TRUSTED_PROXIES?)");
    }

    @Test
    void trusted_proxies_and_admin_hosts_are_read_and_checked() {
        assertThat(Settings.defaults().trustedProxies().isEmpty()).isTrue();
        assertThat(Settings.defaults().acceptedAdminHosts()).containsExactly("127.0.0.1", "localhost");
        Settings s = Settings.load(Map.of("GATEHOUSE_TRUSTED_PROXIES", "10.0.0.0/8, ::1", "GATEHOUSE_ADMIN_HOSTS", "Admin.Internal, 10.0.0.5",
                "GATEHOUSE_ADMIN_BIND", "0.0.0.0"), null);
        assertThat(s.trustedProxies().trusts("10.2.3.4")).isTrue();
        assertThat(s.acceptedAdminHosts()).containsExactly("admin.internal", "10.0.0.5");
        assertThat(Settings.load(Map.of("GATEHOUSE_ADMIN_BIND", "0.0.0.0"), null).acceptedAdminHosts())
                .containsExactly("0.0.0.0", "localhost", "127.0.0.1");
        assertThatThrownBy(() -> Settings.load(Map.of("GATEHOUSE_TRUSTED_PROXIES", "proxy.internal"), null))
                .hasMessageContaining("GATEHOUSE_TRUSTED_PROXIES").hasMessageContaining("proxy.internal");
    }
}
