package io.gatehouse;

import io.gatehouse.server.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one launcher: {@code gatehouse serve} runs the server; the other commands are the client. */
@Command(name = "gatehouse",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Gatehouse: OAuth 2.0, API keys, permissions and rate limits in front of an HTTP API.",
        subcommands = {ServeCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        int code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(code);
    }
}
