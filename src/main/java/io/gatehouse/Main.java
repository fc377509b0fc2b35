package io.gatehouse;

import io.gatehouse.backup.BackupCommand;
import io.gatehouse.cli.ApiCommand;
import io.gatehouse.cli.AppsCommand;
import io.gatehouse.cli.AuditCommand;
import io.gatehouse.cli.AuthCommand;
import io.gatehouse.cli.CliException;
import io.gatehouse.cli.CliHelp;
import io.gatehouse.cli.CliRoot;
import io.gatehouse.cli.CompletionCommand;
import io.gatehouse.cli.GlobalOptions;
import io.gatehouse.cli.HelpCommand;
import io.gatehouse.cli.KeysCommand;
import io.gatehouse.cli.LeadsCommand;
import io.gatehouse.cli.ServeHelp;
import io.gatehouse.cli.Terminal;
import io.gatehouse.server.RotateMasterKeyCommand;
import io.gatehouse.server.ServeCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ScopeType;

/**
 * The one launcher: {@code gatehouse serve} runs the server; the other commands are the client (SPEC §10).
 * {@code scope = INHERIT} gives every command and subcommand {@code -h}/{@code --help}, including ones added
 * later (a new group or command is one line in {@code subcommands}).
 */
@Command(name = "gatehouse",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Gatehouse: OAuth 2.0, API keys, permissions and rate limits in front of an HTTP API.",
        footer = {"", "Exit codes: 0 success, 1 failure, 2 usage error, 3 authentication or permission failure, 4 still rate limited."},
        subcommands = {ServeCommand.class, AuthCommand.class, LeadsCommand.class, ApiCommand.class, AppsCommand.class,
            KeysCommand.class, AuditCommand.class, CompletionCommand.class, BackupCommand.class, RotateMasterKeyCommand.class, HelpCommand.class})
public final class Main implements CliRoot {
    @Mixin
    GlobalOptions global = new GlobalOptions();

    private final Terminal terminal;

    Main(Terminal terminal) {
        this.terminal = terminal;
        global.terminal(terminal);
    }

    @Override
    public GlobalOptions globalOptions() {
        return global;
    }

    @Override
    public Terminal terminal() {
        return terminal;
    }

    public static void main(String[] args) {
        io.gatehouse.server.StartupPhases.main();
        System.exit(run(Terminal.system(), args));
    }

    /** Runs one command in this terminal and returns its exit code (tests run the CLI in-process this way). */
    public static int run(Terminal terminal, String... args) {
        if (plainServe(args)) {
            // The server's start: picocli's own classes are Java 5 bytecode, which the JDK's ahead-of-time cache
            // cannot hold (~150 classes loaded and verified by the old verifier at every start, and the command
            // tree's reflection), so a plain `serve [--config FILE]` is read here and runs the command itself.
            // Anything else (help, a typo, a missing value) goes through picocli's whole tree and its messages.
            PrintWriter err = new PrintWriter(terminal.err(), true);
            try {
                return ServeCommand.serve(args.length == 1 ? null : Path.of(configArgument(args)), err);
            } catch (Exception e) {
                // as handlingErrors does for a command that throws
                err.println("gatehouse: " + e);
                err.flush();
                return CliException.FAILURE;
            }
        }
        return commandLine(terminal).execute(args);
    }

    /** {@code serve}, {@code serve --config FILE} or {@code serve --config=FILE}, nothing else. */
    public static boolean plainServe(String... args) {
        if (args.length == 0 || !args[0].equals("serve")) {
            return false;
        }
        if (args.length == 1) {
            return true;
        }
        boolean config = args.length == 2 && args[1].startsWith("--config=") && args[1].length() > "--config=".length()
                || args.length == 3 && args[1].equals("--config") && !args[2].isEmpty() && !args[2].startsWith("-");
        if (!config) {
            return false;
        }
        try {
            Path.of(configArgument(args));
            return true;
        } catch (java.nio.file.InvalidPathException e) {
            return false; // picocli's message for a value it cannot convert
        }
    }

    private static String configArgument(String... args) {
        return args.length == 3 ? args[2] : args[1].substring("--config=".length());
    }

    /** The whole command tree, wired to a terminal. */
    public static CommandLine commandLine(Terminal terminal) {
        CommandLine cl = new CommandLine(new Main(terminal)).setCaseInsensitiveEnumValuesAllowed(true)
                // "@file" is an argument like any other (--data @lead.json), not a file of arguments to expand.
                .setExpandAtFiles(false);
        withTerminal(cl, terminal);
        ServeHelp.install(cl.getSubcommands().get("serve"));
        CliHelp.install(cl);
        return handlingErrors(cl);
    }

    private static CommandLine withTerminal(CommandLine cl, Terminal terminal) {
        cl.setOut(new PrintWriter(terminal.out(), true));
        cl.setErr(new PrintWriter(terminal.err(), true));
        return cl;
    }

    private static CommandLine handlingErrors(CommandLine cl) {
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CliException ce) {
                cmd.getErr().println("gatehouse: " + ce.getMessage());
                cmd.getErr().flush();
                return ce.exitCode();
            }
            cmd.getErr().println("gatehouse: " + e);
            cmd.getErr().flush();
            return CliException.FAILURE;
        });
        return cl;
    }
}
