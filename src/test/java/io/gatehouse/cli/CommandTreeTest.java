package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatehouse.Main;
import io.gatehouse.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** SPEC §10 v2: help on every command, generated from one picocli model (help, --all, completions, serve's settings). */
class CommandTreeTest {
    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private CommandLine tree;

    /** Runs one command on a tree built once per test (help and completions keep no state between runs). */
    private Cli.Result run(String... args) {
        if (tree == null) {
            tree = Main.commandLine(new Terminal(System.in, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("HOME", home.toString()), Clock.systemUTC(),
                    d -> { }, false));
        }
        out.reset();
        err.reset();
        int exit = tree.execute(args);
        return new Cli.Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Every command path below the root: "auth", "auth set", …. */
    private static List<List<String>> paths() {
        List<List<String>> paths = new ArrayList<>();
        walk(Main.commandLine(Terminal.system()), new ArrayList<>(), paths);
        return paths;
    }

    private static void walk(CommandLine cmd, List<String> path, List<List<String>> paths) {
        for (var e : cmd.getSubcommands().entrySet()) {
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            paths.add(p);
            walk(e.getValue(), p, paths);
        }
    }

    private static String[] with(List<String> path, String... more) {
        List<String> all = new ArrayList<>(path);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void only_a_plain_serve_takes_the_short_way_past_the_command_tree_and_anything_else_gets_the_trees_messages() {
        assertThat(Main.plainServe("serve")).isTrue();
        assertThat(Main.plainServe("serve", "--config", "gatehouse.conf")).isTrue();
        assertThat(Main.plainServe("serve", "--config=gatehouse.conf")).isTrue();
        assertThat(Main.plainServe("serve", "--help")).isFalse();
        assertThat(Main.plainServe("serve", "-h")).isFalse();
        assertThat(Main.plainServe("serve", "--config")).isFalse();
        assertThat(Main.plainServe("serve", "--config", "--help")).isFalse();
        assertThat(Main.plainServe("serve", "--config=")).isFalse();
        assertThat(Main.plainServe("serve", "--verbose")).isFalse();
        assertThat(Main.plainServe("serve", "--config", "a", "--config", "b")).isFalse();
        assertThat(Main.plainServe("--version")).isFalse();
        assertThat(Main.plainServe()).isFalse();
    }

    @Test
    void every_command_and_subcommand_answers_dash_h_and_dash_dash_help_with_its_usage_and_exit_0() {
        List<List<String>> paths = paths();
        assertThat(paths).hasSizeGreaterThan(30).contains(List.of("auth", "status"), List.of("leads", "export"), List.of("keys", "create"));
        assertThat(run("-h").out()).startsWith("Usage: gatehouse ");
        for (List<String> path : paths) {
            for (String flag : new String[] {"-h", "--help"}) {
                Cli.Result r = run(with(path, flag));
                assertThat(r.exit()).as(path + " " + flag + "\n" + r).isZero();
                assertThat(r.out()).as(path + " " + flag).startsWith("Usage: gatehouse " + String.join(" ", path));
                assertThat(r.err()).as(path + " " + flag).isEmpty();
            }
        }
    }

    @Test
    void help_with_a_command_path_prints_that_subcommands_help_and_all_prints_every_one() {
        for (List<String> path : paths()) {
            Cli.Result help = run(with(List.of("help"), path.toArray(String[]::new)));
            assertThat(help.exit()).as(path + "\n" + help).isZero();
            assertThat(help.out()).as(path.toString()).isEqualTo(run(with(path, "-h")).out());
        }
        Cli.Result all = run("help", "--all");
        assertThat(all.exit()).isZero();
        for (List<String> path : paths()) {
            assertThat(all.out()).contains("Usage: gatehouse " + String.join(" ", path));
        }
        Cli.Result unknown = run("help", "leads", "nonsense");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown command: 'leads nonsense'", "list", "export");
    }

    @Test
    void required_options_do_not_stop_help() {
        for (String[] args : new String[][] {{"auth", "set", "-h"}, {"leads", "delete", "-h"}, {"keys", "create", "-h"},
            {"apps", "create", "--help"}, {"leads", "get", "-h"}}) {
            Cli.Result r = run(args);
            assertThat(r.exit()).as(String.join(" ", args) + "\n" + r).isZero();
            assertThat(r.err()).doesNotContain("Missing required");
        }
    }

    @Test
    void a_leaf_commands_help_shows_its_own_options_in_full_and_the_global_ones_in_one_line() {
        String help = run("leads", "list", "-h").out();
        assertThat(help).contains("--all", "--limit=<limit>", "Global options: --base-url=URL")
                .doesNotContain("Print the API's JSON"); // the global options' descriptions live in gatehouse --help
        assertThat(run("--help").out()).contains("Print the API's JSON", "Exit codes:");
    }

    @Test
    void serve_help_lists_every_setting_with_its_default_and_no_client_flags() {
        Cli.Result r = run("serve", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).doesNotContain("--json", "--format", "--base-url", "--admin-url", "--verbose", "--no-header",
                "--no-color", "GLOBAL-OPTIONS", "Global options").contains("--config=FILE");
        List<String> lines = r.out().lines().toList();
        Map<String, String> defaults = Settings.defaultValues();
        for (String name : Settings.NAMES) {
            int at = lines.indexOf(lines.stream().filter(l -> l.strip().startsWith(name + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " missing from serve --help")));
            String value = defaults.get(name);
            assertThat(lines.get(at)).as(name).contains("default: " + (value == null ? "" : value));
            assertThat(lines.get(at + 1)).as("a line on what " + name + " means (io.gatehouse.config.SettingsHelp)")
                    .startsWith("      ").isNotBlank();
        }
        assertThat(defaults).containsEntry("GATEHOUSE_PORT", "8080").containsEntry("GATEHOUSE_ACCESS_TOKEN_TTL", "1h")
                .containsEntry("GATEHOUSE_REFRESH_TOKEN_TTL", "30d");
    }

    @Test
    void completion_scripts_for_bash_zsh_and_fish_name_every_command() {
        assertThat(run("completion", "bash").out()).contains("complete -F");
        assertThat(run("completion", "zsh").out()).contains("bashcompinit");
        String fish = run("completion", "fish").out();
        for (List<String> path : paths()) {
            String parent = String.join(" ", path.subList(0, path.size() - 1));
            assertThat(fish).contains("-n '" + ("__gatehouse_at " + parent).strip() + "' -a '" + path.getLast() + "'");
        }
        assertThat(fish).contains("-n '__gatehouse_at leads list' -l all", "-n '__gatehouse_at apps list' -l pending");
        assertThat(run("completion", "tcsh").exit()).isEqualTo(2);
    }

    @Test
    void fish_completes_subcommands_and_each_commands_own_options() throws Exception {
        assumeTrue(onPath("fish"), "fish is not installed, so its completion script is checked by its text only");
        Path script = home.resolve("gatehouse.fish");
        Files.writeString(script, run("completion", "fish").out());
        String out = fish("source " + script + "; complete -C 'gatehouse leads '; echo ---; complete -C 'gatehouse apps list --';"
                + " echo ---; complete -C 'gatehouse --json auth '");
        String[] parts = out.split("---\n");
        assertThat(parts[0]).contains("list\t", "export\t", "delete\t");
        assertThat(parts[1]).contains("--pending").doesNotContain("--all\t");
        assertThat(parts[2]).contains("status\t", "login\t");
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static String fish(String command) throws Exception {
        Process p = new ProcessBuilder("fish", "--no-config", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void a_plain_serve_without_picocli_fails_on_a_missing_settings_file_exactly_as_the_tree_does() {
        String missing = home.resolve("missing.conf").toString();
        ByteArrayOutputStream shortErr = new ByteArrayOutputStream();
        Terminal t = new Terminal(System.in, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(shortErr, true, StandardCharsets.UTF_8), Map.of(), Clock.systemUTC(), d -> { }, false);
        int shortExit = Main.run(t, "serve", "--config", missing);

        Cli.Result viaTree = run("serve", "--config", missing);
        assertThat(shortExit).isEqualTo(viaTree.exit()).isEqualTo(2);
        assertThat(shortErr.toString(StandardCharsets.UTF_8)).isEqualTo(viaTree.err()).startsWith("gatehouse: ");
    }

    @Test
    void version_prints_the_launcher_version() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Terminal t = new Terminal(System.in, new PrintStream(out, true, StandardCharsets.UTF_8), System.err, Map.of(),
                Clock.systemUTC(), d -> { }, false);
        assertThat(Main.run(t, "--version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("gatehouse ");
    }
}
