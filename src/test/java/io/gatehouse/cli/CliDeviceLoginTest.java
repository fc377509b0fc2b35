package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Main;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §10 {@code gatehouse auth login-device}, in this JVM: each wait of the CLI moves the server's clock
 * instead of sleeping, and a second client (a person's browser) approves or denies the code it printed.
 */
class CliDeviceLoginTest {
    private static final MutableClock CLOCK = MutableClock.startingNow();
    private static final Pattern CODE = Pattern.compile("^\\s+([A-Z]{4}-[A-Z]{4})\\s*$", Pattern.MULTILINE);
    private static TestServer server;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        server = TestServer.start(Backend.H2, Map.of(), CLOCK);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Runs the CLI with a sleeper that, at its first wait, lets the person decide on the printed code. */
    private Cli.Result loginDevice(Cli cli, Fixtures.Account person, Cli.App app, String decision, List<String> waits) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = new HashMap<>(cli.env);
        env.put("GATEHOUSE_CLIENT_ID", app.clientId());
        Terminal t = new Terminal(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, CLOCK, d -> {
                    waits.add(d.toString());
                    if (waits.size() == 2) { // the first poll said authorization_pending; now the person answers
                        Matcher m = CODE.matcher(err.toString(StandardCharsets.UTF_8));
                        assertThat(m.find()).as(err.toString(StandardCharsets.UTF_8)).isTrue();
                        Browser b = new Browser(server.api.base);
                        b.submit(b.open("/portal/login"), "/portal/login", Map.of("email", person.email(), "password",
                                "correct horse battery"));
                        Browser.Page consent = b.submit(b.open("/portal/device"), "/portal/device", Map.of("user_code", m.group(1)));
                        b.submit(consent, "/portal/device/decide", Map.of("decision", decision));
                    }
                    CLOCK.advance(d);
                }, false);
        int exit = Main.run(t, new String[] {"auth", "login-device"});
        return new Cli.Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void login_device_prints_the_url_and_code_waits_for_approval_stores_the_login_and_auth_test_works() {
        Fixtures.Account a = Fixtures.account(server);
        Cli.App app = Cli.app(server, a.id(), "public", List.of("http://127.0.0.1/callback"));
        Cli cli = new Cli(home, server.api.base, server.admin.base);
        cli.clock = CLOCK;
        List<String> waits = new ArrayList<>();
        Cli.Result r = loginDevice(cli, a, app, "approve", waits);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains(server.server.issuer() + "/portal/device").contains("Logged in with app");
        assertThat(waits).containsOnly("PT5S");
        Cli.Result test = cli.inProcess("auth", "test");
        assertThat(test.exit()).as(test.toString()).isZero();
        assertThat(test.out()).contains(a.email());
        assertThat(cli.inProcess("auth", "status").out()).contains("device login");
    }

    @Test
    void a_denied_device_login_exits_3_and_says_so() {
        Fixtures.Account a = Fixtures.account(server);
        Cli.App app = Cli.app(server, a.id(), "public", List.of("http://127.0.0.1/callback"));
        Cli cli = new Cli(home, server.api.base, server.admin.base);
        Cli.Result r = loginDevice(cli, a, app, "deny", new ArrayList<>());
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("denied");
    }

    @Test
    void login_device_without_a_client_id_is_a_usage_error() {
        Cli cli = new Cli(home, server.api.base, server.admin.base);
        assertThat(cli.inProcess("auth", "login-device").exit()).isEqualTo(2);
        assertThat(cli.inProcess("auth", "login-device", "-h").out()).contains("without a browser");
    }
}
