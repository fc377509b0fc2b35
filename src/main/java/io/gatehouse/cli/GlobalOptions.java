package io.gatehouse.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** SPEC §10's global flags, accepted before or after any command. */
public final class GlobalOptions {
    @Option(names = "--base-url", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "Gatehouse's public URL (default: $GATEHOUSE_BASE_URL or http://localhost:8080).")
    String baseUrl;

    @Option(names = "--admin-url", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "The admin API's URL, for admin commands (default: $GATEHOUSE_ADMIN_URL or http://127.0.0.1:8081).")
    String adminUrl;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the API's JSON (same as --format json).")
    boolean json;

    @Option(names = "--format", paramLabel = "FORMAT", scope = ScopeType.INHERIT,
            description = "Output: text (default), json, csv or yaml.")
    String format;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Say what is sent and received (never credentials).")
    boolean verbose;

    @Option(names = "--no-color", scope = ScopeType.INHERIT, description = "No colors (also $NO_COLOR).")
    boolean noColor;

    @Option(names = "--no-header", scope = ScopeType.INHERIT, description = "Tables and CSV without the header row.")
    boolean noHeader;

    private Terminal terminal;

    /** The launcher hands in the terminal the command runs in (tests pass their own). */
    public void terminal(Terminal terminal) {
        this.terminal = terminal;
    }

    Terminal terminal() {
        if (terminal == null) {
            terminal = Terminal.system();
        }
        return terminal;
    }

    Map<String, String> env() {
        return terminal().env();
    }

    String env(String name) {
        return terminal().env(name);
    }

    String baseUrl() {
        String u = baseUrl != null ? baseUrl : env("GATEHOUSE_BASE_URL") != null ? env("GATEHOUSE_BASE_URL") : "http://localhost:8080";
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    String adminUrl() {
        String u = adminUrl != null ? adminUrl : env("GATEHOUSE_ADMIN_URL") != null ? env("GATEHOUSE_ADMIN_URL") : "http://127.0.0.1:8081";
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    Output.Format format() {
        Output.Format f = explicitFormat();
        return f == null ? Output.Format.TEXT : f;
    }

    /** The format asked for with --json or --format, or null. */
    Output.Format explicitFormat() {
        if (json) {
            return Output.Format.JSON;
        }
        if (format == null) {
            return null;
        }
        try {
            return Output.Format.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CliException(CliException.USAGE, "--format must be text, json, csv or yaml");
        }
    }

    boolean verbose() {
        return verbose || env("DEBUG") != null;
    }
}
