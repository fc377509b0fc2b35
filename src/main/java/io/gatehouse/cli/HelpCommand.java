package io.gatehouse.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse help [COMMAND [SUBCOMMAND…]]}: the help of any command at any depth (picocli's own help
 * command looks one level down only); {@code --all} prints every command's help, generated from the same
 * model as {@code -h}, for reading or grepping in one place.
 */
@Command(name = "help", helpCommand = true,
        description = {"Show the help of a command: gatehouse help leads list.", "With --all, of every command, one after another."})
public final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "A command and its subcommands, e.g. leads list.")
    List<String> names = new ArrayList<>();

    @Option(names = "--all", description = "The help of every command below COMMAND (or of all of them).")
    boolean all;

    private CommandLine self;
    private ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = out;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        for (String name : names) {
            CommandLine sub = target.getSubcommands().get(name);
            if (sub == null) {
                throw new ParameterException(self, "Unknown command: '" + String.join(" ", names) + "'. "
                        + target.getCommandSpec().qualifiedName() + " has: " + String.join(", ", target.getSubcommands().keySet()));
            }
            target = sub;
        }
        if (all) {
            printAll(target);
        } else {
            target.usage(out, colors);
        }
        out.flush();
    }

    private void printAll(CommandLine cmd) {
        String title = cmd.getCommandSpec().qualifiedName();
        out.println(title);
        out.println("=".repeat(title.length()));
        cmd.usage(out, colors);
        out.println();
        for (CommandLine sub : cmd.getSubcommands().values()) {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                printAll(sub);
            }
        }
    }
}
