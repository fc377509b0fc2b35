package io.gatehouse.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ScopeType;

/**
 * A fish completion script generated from the picocli model (picocli itself writes only bash): every
 * command, subcommand and option with its description. Subcommands are found by the path typed so far,
 * so {@code list} under {@code leads} and under {@code apps} complete their own options.
 */
final class FishCompletion {
    private FishCompletion() {
    }

    static String script(CommandLine root) {
        String name = root.getCommandName();
        List<String> paths = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        walk(root, "", paths, lines, name);
        StringBuilder b = new StringBuilder("""
                # fish completion for NAME, generated from its commands by 'NAME completion fish'
                function __NAME_path
                    set -l known KNOWN
                    set -l path ''
                    set -l tokens (commandline -opc)
                    set -e tokens[1]
                    for t in $tokens
                        set -l next (string trim -- "$path $t")
                        if contains -- $next $known
                            set path $next
                        end
                    end
                    echo $path
                end
                function __NAME_at
                    set -l path (__NAME_path)
                    test "$path" = "$argv"
                end
                complete -c NAME -f
                """.replace("KNOWN", String.join(" ", paths.stream().map(FishCompletion::quote).toList())).replace("NAME", name));
        lines.forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }

    private static void walk(CommandLine cmd, String path, List<String> paths, List<String> lines, String name) {
        String at = "-n " + quote(("__" + name + "_at " + path).strip());
        CommandSpec spec = cmd.getCommandSpec();
        for (OptionSpec o : spec.options()) {
            if (o.hidden() || o.inherited()) {
                continue;
            }
            boolean everywhere = path.isEmpty() && o.scopeType() == ScopeType.INHERIT;
            StringBuilder l = new StringBuilder("complete -c " + name + (everywhere ? "" : " " + at));
            for (String n : o.names()) {
                l.append(n.startsWith("--") ? " -l " + n.substring(2) : " -s " + n.substring(1));
            }
            if (o.arity().max() > 0) {
                l.append(o.paramLabel().contains("FILE") ? " -r -F" : " -r");
            }
            l.append(" -d ").append(quote(first(o.description())));
            lines.add(l.toString());
        }
        if (spec.helpCommand()) {
            lines.add("complete -c " + name + " " + at + " -a " + quote(String.join(" ", cmd.getParent().getSubcommands().keySet())));
        }
        if (spec.name().equals("completion")) {
            lines.add("complete -c " + name + " " + at + " -a 'bash zsh fish'");
        }
        for (CommandLine sub : cmd.getSubcommands().values()) {
            if (sub.getCommandSpec().usageMessage().hidden()) {
                continue;
            }
            String subPath = (path + " " + sub.getCommandName()).strip();
            paths.add(subPath);
            lines.add("complete -c " + name + " " + at + " -a " + quote(sub.getCommandName())
                    + " -d " + quote(first(sub.getCommandSpec().usageMessage().description())));
            walk(sub, subPath, paths, lines, name);
        }
    }

    private static String first(String[] description) {
        return description.length == 0 ? "" : description[0].strip();
    }

    /** A fish single-quoted string: only \\ and \' are special inside. */
    static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
