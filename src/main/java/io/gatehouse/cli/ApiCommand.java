package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse api METHOD PATH [--data JSON|@file|@-]}: any endpoint, with the CLI's credential and retries. */
@Command(name = "api", description = {"Call any endpoint with the CLI's credential (and its retries on 429).",
    "  gatehouse api GET /v1.0/me",
    "  gatehouse api POST /v1.0/leads --data @lead.json",
    "  echo '{\"firstName\":\"Ann\"}' | gatehouse api POST /v1.0/leads --data @-"})
public final class ApiCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "METHOD", description = "GET, POST, PUT, PATCH, DELETE…")
    String method;

    @Parameters(index = "1", paramLabel = "PATH", description = "A path such as /v1.0/leads?limit=5")
    String path;

    @Option(names = {"--data", "-d"}, paramLabel = "JSON", description = "A JSON body; @FILE reads it from a file, @- from stdin.")
    String data;

    @Override
    void run() throws IOException {
        if (!path.startsWith("/")) {
            throw new CliException(CliException.USAGE, "PATH must start with /");
        }
        JsonNode body = null;
        if (data != null) {
            try {
                body = CliJson.MAPPER.readTree(body(data));
            } catch (IOException e) {
                throw new CliException(CliException.USAGE, "--data is not valid JSON: " + e.getMessage());
            }
        }
        out().raw(client().call(method.toUpperCase(Locale.ROOT), path, body));
    }

    /** The text of --data: itself, a file's content (@file), or stdin (@-). */
    private String body(String data) {
        if (!data.startsWith("@")) {
            return data;
        }
        String name = data.substring(1);
        try {
            return name.equals("-") ? new String(terminal().in().readAllBytes(), StandardCharsets.UTF_8) : Files.readString(Path.of(name));
        } catch (NoSuchFileException e) {
            throw new CliException(CliException.USAGE, "--data " + data + ": no such file");
        } catch (IOException e) {
            throw new CliException(CliException.USAGE, "--data " + data + ": " + e.getMessage());
        }
    }
}
