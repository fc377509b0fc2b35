package io.gatehouse;

import io.gatehouse.cli.ApiCommand;
import io.gatehouse.cli.AppsCommand;
import io.gatehouse.cli.AuthCommand;
import io.gatehouse.cli.HasGlobalOptions;
import io.gatehouse.cli.CliException;
import io.gatehouse.cli.CompletionCommand;
import io.gatehouse.cli.GlobalOptions;
import io.gatehouse.cli.KeysCommand;
import io.gatehouse.cli.LeadsCommand;
import io.gatehouse.server.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The one launcher: {@code gatehouse serve} runs the server; the other commands are the client (SPEC §10). */
@Command(name = "gatehouse",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Gatehouse: OAuth 2.0, API keys, permissions and rate limits in front of an HTTP API.",
        footer = {"", "Exit codes: 0 success, 1 failure, 2 usage error, 3 authentication or permission failure, 4 still rate limited."},
        subcommands = {ServeCommand.class, AuthCommand.class, LeadsCommand.class, ApiCommand.class, AppsCommand.class,
            KeysCommand.class, CompletionCommand.class, io.gatehouse.backup.BackupCommand.class, io.gatehouse.server.RotateMasterKeyCommand.class, CommandLine.HelpCommand.class})
public final class Main implements HasGlobalOptions {
    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Override
    public GlobalOptions globalOptions() {
        return global;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cl = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
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
        return cl.execute(args);
    }
}
