package io.gatehouse.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §5 v2, acceptance 1 for Node: panva's openid-client signs a person in through Gatehouse's pages and
 * validates the id_token; jose verifies the access token (interop/node/signin.mjs, the README's example).
 * Needs node and npm on the PATH (skipped, with the reason, where they are missing).
 */
class NodeClientTest {
    private static final Path NODE_DIR = Path.of(System.getProperty("node.dir", "../node")).toAbsolutePath().normalize();
    private static final boolean NODE = onPath("node") && onPath("npm");
    private static Gatehouse gatehouse;

    @BeforeAll
    static void start() throws Exception {
        if (!NODE) {
            // Said on the console too (and counted as skipped): a skipped acceptance check must not pass unnoticed.
            System.err.println("NodeClientTest skipped: node and npm are not on the PATH");
            return;
        }
        if (!Files.isDirectory(NODE_DIR.resolve("node_modules"))) {
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--loglevel=error").directory(NODE_DIR.toFile())
                    .redirectErrorStream(true).start();
            String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(npm.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(npm.exitValue()).as(out).isZero();
        }
        gatehouse = Gatehouse.shared();
    }

    @Test
    void openid_client_signs_a_person_in_and_jose_verifies_the_access_token() throws Exception {
        assumeTrue(NODE, "node and npm are not on the PATH");
        String owner = Gatehouse.field(gatehouse.adminPost("/admin/v1/accounts", "{\"email\":\"nod@example.com\","
                + "\"password\":\"correct horse battery\",\"firstName\":\"Noa\",\"lastName\":\"Dee\"}"), "id");
        String redirect = "http://127.0.0.1:5173/callback";
        String app = gatehouse.adminPost("/admin/v1/apps", "{\"owner_id\":" + owner + ",\"name\":\"Node App\",\"type\":\"confidential\","
                + "\"redirect_uris\":[\"" + redirect + "\"],\"permissions\":[\"user.read\"]}");
        ProcessBuilder pb = new ProcessBuilder("node", "signin.mjs").directory(NODE_DIR.toFile()).redirectErrorStream(true);
        pb.environment().put("ISSUER", gatehouse.issuer);
        pb.environment().put("CLIENT_ID", Gatehouse.field(app, "client_id"));
        pb.environment().put("CLIENT_SECRET", Gatehouse.field(app, "client_secret"));
        pb.environment().put("REDIRECT_URI", redirect);
        pb.environment().put("EMAIL", "nod@example.com");
        pb.environment().put("PASSWORD", "correct horse battery");
        Process node = pb.start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(out).isZero();
        assertThat(out).contains("\"sub\":\"" + owner + "\"", "\"name\":\"Noa Dee\"", "\"email\":\"nod@example.com\"",
                "\"userinfo_email\":\"nod@example.com\"", "\"access_sub\":\"" + owner + "\"");
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
