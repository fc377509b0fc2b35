package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.gatehouse.Main;
import io.gatehouse.cli.Terminal;
import io.gatehouse.config.Settings;
import io.gatehouse.core.StartupFault;
import io.gatehouse.store.Database;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.Ports;
import io.gatehouse.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §1 *v2*: a node that cannot start says why in one line and exits non-zero; never half-started. */
class StartupFaultsTest {
    @TempDir
    Path tmp;

    private Map<String, String> env(Path dataDir, int port, int adminPort) {
        Map<String, String> env = new HashMap<>();
        env.put("GATEHOUSE_BIND", "127.0.0.1");
        env.put("GATEHOUSE_PORT", Integer.toString(port));
        env.put("GATEHOUSE_ADMIN_PORT", Integer.toString(adminPort));
        env.put("GATEHOUSE_DATA_DIR", dataDir.toString());
        return env;
    }

    @Test
    void a_busy_public_or_admin_port_stops_the_start_with_a_line_naming_it() throws IOException {
        LogCapture.install();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> GatehouseServer.start(Settings.load(env(tmp.resolve("a"), port, 0), null)))
                    .isInstanceOf(StartupFault.class)
                    .hasMessage("cannot listen on 127.0.0.1:" + port + " (GATEHOUSE_PORT): address already in use");
            assertThatThrownBy(() -> GatehouseServer.start(Settings.load(env(tmp.resolve("a"), 0, port), null)))
                    .isInstanceOf(StartupFault.class)
                    .hasMessageContaining("127.0.0.1:" + port + " (GATEHOUSE_ADMIN_PORT)");
        }
        // Nothing was left holding the data folder.
        try (GatehouseServer ok = GatehouseServer.start(Settings.load(env(tmp.resolve("a"), 0, 0), null), Clock.systemUTC())) {
            assertThat(ok.port()).isPositive();
        }
    }

    @Test
    void serve_on_a_busy_port_exits_1_with_one_line_on_stderr() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Path config = tmp.resolve("gatehouse.conf");
            Files.writeString(config, "bind=127.0.0.1\nport=" + port + "\nadmin_port=0\ndata_dir=" + tmp.resolve("b") + "\n");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Terminal t = new Terminal(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream(), true),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), Clock.systemUTC(), d -> { }, false);
            int exit = Main.run(t, "serve", "--config", config.toString());
            assertThat(exit).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .isEqualTo("gatehouse: cannot start: cannot listen on 127.0.0.1:" + port + " (GATEHOUSE_PORT): address already in use\n");
        }
    }

    @Test
    void a_second_node_on_the_same_data_folder_is_refused_until_the_first_stops() {
        Path dir = tmp.resolve("shared");
        TestServer first = TestServer.start(Backend.H2, Map.of("GATEHOUSE_DATA_DIR", dir.toString()));
        try {
            assertThatThrownBy(() -> GatehouseServer.start(Settings.load(env(dir, 0, 0), null)))
                    .isInstanceOf(StartupFault.class)
                    .hasMessageContaining("the data folder " + dir.toAbsolutePath().normalize() + " is in use by another Gatehouse process");
        } finally {
            first.close();
        }
        try (GatehouseServer again = GatehouseServer.start(Settings.load(env(dir, 0, 0), null), Clock.systemUTC())) {
            assertThat(again.port()).isPositive();
        }
    }

    @Test
    void a_database_that_stays_unreachable_stops_the_start_after_the_wait() throws IOException {
        try (Socket refusing = Ports.refusing()) { // held: nothing else can start answering there meanwhile
            int closed = refusing.getLocalPort();
            assertThatThrownBy(() -> Database.open("jdbc:postgresql://127.0.0.1:" + closed + "/gatehouse", "u", "p", null, Duration.ofSeconds(3)))
                    .isInstanceOf(StartupFault.class)
                    .hasMessageStartingWith("the database stayed unreachable for 3 s: ")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void the_embedded_database_pool_waits_long_enough_for_a_busy_machine() {
        try (Database db = Database.open(Settings.load(env(tmp.resolve("h2"), 0, 0), null), null)) {
            assertThat(((HikariDataSource) db.dataSource()).getConnectionTimeout()).isGreaterThanOrEqualTo(30_000);
        }
    }
}
