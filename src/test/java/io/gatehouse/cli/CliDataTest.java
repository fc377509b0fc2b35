package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §10 data in and out, in-process against a real server: request bodies, tables, every page, exports. */
class CliDataTest {
    private static final int MANY = 250;
    private static TestServer server;
    private static Fixtures.Account many;
    private static String manyKey;
    private static final Set<String> MANY_IDS = new HashSet<>();

    @TempDir
    Path home;

    private Cli cli;

    @BeforeAll
    static void start() {
        server = TestServer.start(Backend.H2, Map.of("GATEHOUSE_API_KEY_RATE_LIMIT", "100000"));
        many = Fixtures.account(server);
        manyKey = Fixtures.apiKey(server.admin, many.id());
        IntStream.range(0, MANY).parallel().forEach(i -> {
            TestClient.Resp r = server.api.post("/v1.0/leads", Map.of("firstName", "Lead" + i, "email", "lead" + i + "@example.com"),
                    TestClient.token(manyKey));
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            synchronized (MANY_IDS) {
                MANY_IDS.add(r.json().get("leadId").asText());
            }
        });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void cli() {
        cli = new Cli(home, server.api.base, server.admin.base);
    }

    private static Cli.Result ok(Cli.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private String freshAccountKey() {
        return Fixtures.apiKey(server.admin, Fixtures.account(server).id());
    }

    @Test
    void auth_set_stores_the_key_0600_and_leads_list_prints_a_table_json_csv_and_yaml() throws Exception {
        ok(cli.inProcess("auth", "set", freshAccountKey()));
        Path dir = home.resolve(".config/gatehouse");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("credentials.json")))).isEqualTo("rw-------");
        ok(cli.inProcess("leads", "create", "--first-name", "Ann", "--last-name", "Lee", "--email", "ann@example.com", "--tag", "vip"));
        ok(cli.inProcess("leads", "create", "--first-name", "Bo", "--email", "bo@example.com"));

        List<String> lines = ok(cli.inProcess("leads", "list", "--limit", "10")).out().lines().toList();
        assertThat(lines.get(0)).startsWith("ID").contains("FIRST NAME", "EMAIL");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).contains("Bo", "bo@example.com");

        JsonNode json = CliJson.MAPPER.readTree(ok(cli.inProcess("leads", "list", "--limit", "10", "--json")).out());
        assertThat(json.get("get_metadata").get("total").asInt()).isEqualTo(2);
        assertThat(json.get("leads")).hasSize(2);

        String csv = ok(cli.inProcess("leads", "list", "--format", "csv", "--no-header")).out();
        assertThat(csv.lines().toList()).hasSize(2).allSatisfy(l -> assertThat(l).matches("\\d+,.*"));
        assertThat(csv).contains(",Ann,Lee,ann@example.com,");
        assertThat(ok(cli.inProcess("leads", "list", "--format", "yaml")).out()).contains("collection: leads", "firstName: Ann");
        assertThat(ok(cli.inProcess("--json", "leads", "list")).out()).contains("\"get_metadata\"");
        assertThat(cli.inProcess("leads", "list", "--format", "xml").exit()).isEqualTo(2);
    }

    @Test
    void audit_lists_events_through_the_admin_api_with_filters_and_a_cursor() throws Exception {
        Fixtures.Account a = Fixtures.account(server);
        Fixtures.apiKey(server.admin, a.id());
        Fixtures.apiKey(server.admin, a.id());
        String table = ok(cli.inProcess("audit", "--account", Long.toString(a.id()))).out();
        assertThat(table.lines().findFirst().orElseThrow()).startsWith("ID").contains("TYPE", "ACTOR", "REQUEST ID");
        assertThat(table).contains("account.created", "key.created");

        JsonNode page = CliJson.MAPPER.readTree(ok(cli.inProcess("audit", "--account", Long.toString(a.id()),
                "--type", "key.created", "--limit", "1", "--json")).out());
        assertThat(page.get("events")).hasSize(1);
        assertThat(page.get("events").get(0).get("type").asText()).isEqualTo("key.created");
        String cursor = page.get("next_cursor").asText();
        Cli.Result second = ok(cli.inProcess("audit", "--account", Long.toString(a.id()), "--type", "key.created",
                "--limit", "1", "--cursor", cursor, "--json"));
        JsonNode next = CliJson.MAPPER.readTree(second.out());
        assertThat(next.get("events")).hasSize(1);
        assertThat(next.get("events").get(0).get("id")).isNotEqualTo(page.get("events").get(0).get("id"));

        Cli.Result bad = cli.inProcess("audit", "--since", "yesterday");
        assertThat(bad.exit()).as(bad.toString()).isEqualTo(1);
    }

    @Test
    void leads_round_trip_and_api_prints_the_account() throws Exception {
        Fixtures.Account a = Fixtures.account(server);
        ok(cli.inProcess("auth", "set", Fixtures.apiKey(server.admin, a.id())));
        String id = ok(cli.inProcess("leads", "create", "--first-name", "Cy", "--email", "cy@example.com")).out().strip();
        assertThat(ok(cli.inProcess("leads", "get", id)).out()).contains("Cy", "cy@example.com");
        assertThat(ok(cli.inProcess("leads", "update", id, "--stage", "Won")).out()).contains("Won");
        assertThat(CliJson.MAPPER.readTree(ok(cli.inProcess("leads", "get", id, "--json")).out()).get("lead").get("stage").asText())
                .isEqualTo("Won");
        ok(cli.inProcess("leads", "delete", id, "--reason", "duplicate"));
        Cli.Result gone = cli.inProcess("leads", "get", id);
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("does not exist");
        JsonNode me = CliJson.MAPPER.readTree(ok(cli.inProcess("api", "GET", "/v1.0/me")).out());
        assertThat(me.get("email").asText()).isEqualTo(a.email());
    }

    @Test
    void api_data_reads_a_file_given_as_at_file_or_at_equals_file_and_stdin_given_as_at_dash() throws Exception {
        ok(cli.inProcess("auth", "set", freshAccountKey()));
        Path file = home.resolve("lead.json");
        Files.writeString(file, "{\"firstName\":\"FromFile\"}");
        for (String[] args : new String[][] {{"--data", "@" + file}, {"--data=@" + file}, {"-d", "@" + file}}) {
            List<String> all = new ArrayList<>(List.of("api", "POST", "/v1.0/leads"));
            all.addAll(List.of(args));
            assertThat(ok(cli.inProcess(all.toArray(String[]::new))).out()).as(String.join(" ", args)).contains("leadId");
        }
        assertThat(ok(cli.inProcess(Map.of(), "{\"firstName\":\"FromStdin\"}", "api", "POST", "/v1.0/leads", "--data", "@-")).out())
                .contains("leadId");
        assertThat(ok(cli.inProcess("api", "POST", "/v1.0/leads", "--data", "{\"firstName\":\"Inline\"}")).out()).contains("leadId");
        JsonNode leads = CliJson.MAPPER.readTree(ok(cli.inProcess("leads", "list", "--json")).out()).get("leads");
        assertThat(leads.findValuesAsText("firstName")).containsExactlyInAnyOrder("FromFile", "FromFile", "FromFile", "FromStdin", "Inline");

        Cli.Result missing = cli.inProcess("api", "POST", "/v1.0/leads", "--data", "@" + home.resolve("nope.json"));
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file");
    }

    @Test
    void a_60_column_terminal_keeps_ids_whole_so_they_can_be_pasted_into_leads_get() {
        ok(cli.inProcess("auth", "set", freshAccountKey()));
        ok(cli.inProcess("leads", "create", "--first-name", "Annabelle", "--last-name", "Leeward-Smith",
                "--email", "annabelle.leeward-smith@example.com", "--tag", "vip", "--stage", "Qualified"));
        Cli.Result table = ok(cli.inProcess(Map.of("COLUMNS", "60"), "", "leads", "list"));
        List<String> lines = table.out().lines().toList();
        assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(60));
        String id = lines.get(1).split(" ")[0];
        assertThat(id).matches("\\d{10,}");
        assertThat(ok(cli.inProcess("leads", "get", id)).out()).contains("Annabelle", "Leeward-Smith");
    }

    @Test
    void leads_list_all_returns_every_lead_exactly_once_with_no_progress_line_when_stderr_is_not_a_terminal() {
        ok(cli.inProcess("auth", "set", manyKey));
        Cli.Result r = ok(cli.inProcess("leads", "list", "--all", "--format", "csv", "--no-header"));
        List<String> ids = r.out().lines().map(l -> l.split(",")[0]).toList();
        assertThat(ids).hasSize(MANY).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(MANY_IDS);
        assertThat(r.err()).isEmpty();
        assertThat(cli.inProcess("leads", "list", "--all", "--limit", "5").exit()).isEqualTo(2);
    }

    @Test
    void leads_list_all_shows_its_progress_on_stderr_when_stderr_is_a_terminal() throws Exception {
        ok(cli.inProcess("auth", "set", manyKey));
        cli.errIsTerminal = true;
        Cli.Result r = ok(cli.inProcess("leads", "list", "--all", "--json"));
        assertThat(CliJson.MAPPER.readTree(r.out()).get("leads")).hasSize(MANY);
        assertThat(r.err()).contains("leads: 100 of " + MANY, "leads: 200 of " + MANY, "leads: " + MANY + " of " + MANY)
                .endsWith("\r\033[2K");
    }

    @Test
    void leads_export_streams_every_lead_as_csv_or_json() throws Exception {
        ok(cli.inProcess("auth", "set", manyKey));
        Cli.Result csv = ok(cli.inProcess("leads", "export", "--format", "csv"));
        List<String> lines = csv.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo(String.join(",", LeadsExportCommand.FIELDS));
        assertThat(lines.subList(1, lines.size()).stream().map(l -> l.split(",")[0]).toList())
                .hasSize(MANY).containsExactlyInAnyOrderElementsOf(MANY_IDS);
        assertThat(csv.err()).isEmpty();

        Cli.Result json = ok(cli.inProcess("leads", "export", "--format", "json"));
        JsonNode all = CliJson.MAPPER.readTree(json.out());
        assertThat(all.isArray()).isTrue();
        assertThat(all.findValuesAsText("leadId")).hasSize(MANY).containsExactlyInAnyOrderElementsOf(MANY_IDS);
        assertThat(json.out().lines().count()).as("one lead per line").isEqualTo(MANY + 2);

        assertThat(ok(cli.inProcess("leads", "export", "--email", "LEAD7@example.com")).out().lines().count()).isEqualTo(2);
        assertThat(cli.inProcess("leads", "export", "--format", "yaml").exit()).isEqualTo(2);
        ok(cli.inProcess("auth", "set", freshAccountKey()));
        assertThat(ok(cli.inProcess("leads", "export", "--json")).out()).isEqualTo("[]\n");
    }
}
