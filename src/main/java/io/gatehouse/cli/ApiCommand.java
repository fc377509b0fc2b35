package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse api METHOD PATH [--data JSON]}: any endpoint, with the CLI's credential and retries. */
@Command(name = "api", description = "Call any endpoint: gatehouse api GET /v1.0/me", mixinStandardHelpOptions = true)
public final class ApiCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "METHOD")
    String method;

    @Parameters(index = "1", paramLabel = "PATH", description = "A path such as /v1.0/leads?limit=5")
    String path;

    @Option(names = {"--data", "-d"}, paramLabel = "JSON", description = "A JSON body, or @file to read it from a file.")
    String data;

    @Override
    void run() throws IOException {
        if (!path.startsWith("/")) {
            throw new CliException(CliException.USAGE, "PATH must start with /");
        }
        JsonNode body = null;
        if (data != null) {
            String text = data.startsWith("@") ? Files.readString(Path.of(data.substring(1))) : data;
            try {
                body = Json.MAPPER.readTree(text);
            } catch (IOException e) {
                throw new CliException(CliException.USAGE, "--data is not valid JSON: " + e.getMessage());
            }
        }
        out().raw(client().call(method.toUpperCase(Locale.ROOT), path, body));
    }
}
