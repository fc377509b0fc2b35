package io.gatehouse.cli;

import io.gatehouse.config.SettingsHelp;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code gatehouse serve --help}: the server takes no client flags (they are inherited by every other
 * command), and lists its settings with their defaults, as {@code io.gatehouse.config.Settings} reads them.
 */
public final class ServeHelp {
    private ServeHelp() {
    }

    public static void install(CommandLine serve) {
        CommandSpec spec = serve.getCommandSpec();
        for (OptionSpec o : List.copyOf(spec.options())) {
            if (o.inherited()) {
                spec.remove(o);
            }
        }
        List<String> footer = new ArrayList<>(List.of("", "Settings come from environment variables, or from --config FILE",
                "(the same names in lower case; the environment wins). Each one's default:", ""));
        SettingsHelp.lines().forEach(l -> footer.add(l.replace("%", "%%")));
        spec.usageMessage().footer(footer.toArray(String[]::new));
    }
}
