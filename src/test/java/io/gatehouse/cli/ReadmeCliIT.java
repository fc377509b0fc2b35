package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, acceptance 3: every {@code sh} block of the README's CLI section, run as written by bash (in
 * order, stopping at the first failing line) with {@code gatehouse} on the PATH, against a real server. Only
 * the variables the README names are given: KEY, CLIENT_ID, CLIENT_SECRET and the two URLs.
 */
class ReadmeCliIT {
    @TempDir
    Path dir;

    static List<String> cliExamples() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n## The CLI\n");
        int end = readme.indexOf("\n## ", start + 1);
        assertThat(start).as("the README has a CLI section").isPositive();
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```sh\n(.*?)```", Pattern.DOTALL).matcher(readme.substring(start, end));
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @Test
    void every_example_in_the_readmes_cli_section_works_when_run_as_written() throws Exception {
        List<String> blocks = cliExamples();
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(4);
        try (TestServer server = TestServer.start(Backend.H2, Map.of())) {
            Fixtures.Account account = Fixtures.account(server);
            String key = Fixtures.apiKey(server.admin, account.id());
            Cli.App app = Cli.app(server, account.id(), "confidential", List.of("https://a.example.com/cb"));

            Path bin = Files.createDirectories(dir.resolve("bin"));
            Path shim = bin.resolve("gatehouse");
            List<String> launcher = Cli.command().stream().map(a -> "'" + a + "'").toList();
            Files.writeString(shim, "#!/bin/sh\nexec " + String.join(" ", launcher) + " \"$@\"\n");
            Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwx------"));
            Path work = Files.createDirectories(dir.resolve("work"));
            Files.writeString(work.resolve("examples.sh"), "set -eo pipefail\n" + String.join("\n", blocks));

            Cli cli = new Cli(Files.createDirectories(dir.resolve("home")), server.api.base, server.admin.base);
            ProcessBuilder pb = new ProcessBuilder("bash", "-x", "examples.sh").directory(work.toFile()).redirectErrorStream(true);
            pb.environment().keySet().removeIf(k -> k.startsWith("GATEHOUSE_") || k.equals("XDG_CONFIG_HOME") || k.equals("COLUMNS"));
            pb.environment().putAll(cli.env);
            pb.environment().putAll(Map.of("PATH", bin + ":" + System.getenv("PATH"), "KEY", key,
                    "CLIENT_ID", app.clientId(), "CLIENT_SECRET", app.secret()));
            Process p = pb.start();
            p.getOutputStream().close();
            String transcript = Cli.read(p.getInputStream());
            assertThat(p.waitFor(600, TimeUnit.SECONDS)).as(transcript).isTrue();
            assertThat(p.exitValue()).as("the README's CLI examples (bash -x transcript):\n" + transcript).isZero();

            assertThat(transcript).contains("Ann", "Nightly sync", "client-credentials login", "Usage: gatehouse leads list");
            assertThat(Files.readString(work.resolve("leads.csv"))).startsWith("leadId,firstName");
            assertThat(Files.readString(work.resolve("ci.key"))).startsWith("eyJ");
            assertThat(Files.readString(work.resolve("gatehouse-help.txt"))).contains("Usage: gatehouse keys revoke");
        }
    }
}
