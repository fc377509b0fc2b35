package io.gatehouse.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Help that shows a command's own options first and in full, and the global ones (inherited from the root,
 * explained by {@code gatehouse --help}) in one line, so {@code leads list -h} is about listing leads.
 */
public final class CliHelp {
    private static final String GLOBAL_SECTION = "globalOptions";

    private CliHelp() {
    }

    public static void install(CommandLine root) {
        root.setHelpFactory((spec, colors) -> new Help(spec, colors) {
            @Override
            protected Ansi.Text createDetailedSynopsisOptionsText(Collection<ArgSpec> done, List<OptionSpec> options,
                                                                   Comparator<OptionSpec> sort, boolean cluster) {
                List<OptionSpec> own = options.stream().filter(o -> !o.inherited()).toList();
                Ansi.Text text = super.createDetailedSynopsisOptionsText(done, own, sort, cluster);
                return own.size() < options.size() ? text.concat(" [GLOBAL-OPTIONS]") : text;
            }

            @Override
            public String optionListExcludingGroups(List<OptionSpec> options, Layout layout, Comparator<OptionSpec> sort,
                                                    IParamLabelRenderer labels) {
                return super.optionListExcludingGroups(options.stream().filter(o -> !o.inherited()).toList(), layout, sort, labels);
            }
        });
        List<String> keys = new ArrayList<>(root.getHelpSectionKeys());
        keys.add(keys.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST) + 1, GLOBAL_SECTION);
        root.setHelpSectionKeys(keys); // and every subcommand's
        addGlobalSection(root);
    }

    private static void addGlobalSection(CommandLine cmd) {
        cmd.getHelpSectionMap().put(GLOBAL_SECTION, help -> globalOptions(help.commandSpec()));
        cmd.getSubcommands().values().forEach(CliHelp::addGlobalSection);
    }

    /** "Global options: --base-url=URL, --json, …" wrapped to the usage width; empty where there are none. */
    private static String globalOptions(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (o.inherited()) {
                names.add(o.longestName() + (o.arity().max() > 0 ? "=" + o.paramLabel() : ""));
            }
        }
        if (names.isEmpty()) {
            return "";
        }
        int width = spec.usageMessage().width();
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder("Global options:");
        for (int i = 0; i < names.size(); i++) {
            String word = " " + names.get(i) + (i < names.size() - 1 ? "," : " (gatehouse --help explains them)");
            if (line.length() + word.length() > width) {
                out.append(line).append(System.lineSeparator());
                line = new StringBuilder(" ");
            }
            line.append(word);
        }
        String end = spec.subcommands().isEmpty() ? "" : System.lineSeparator(); // a blank line before "Commands:"
        return System.lineSeparator() + out + line + System.lineSeparator() + end;
    }
}
