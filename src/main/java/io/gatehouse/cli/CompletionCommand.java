package io.gatehouse.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gatehouse completion bash|zsh|fish}: a completion script generated from the command tree. */
@Command(name = "completion", description = {"Print a shell completion script for bash, zsh or fish.",
    "  bash: source <(gatehouse completion bash)",
    "  zsh:  source <(gatehouse completion zsh)",
    "  fish: gatehouse completion fish > ~/.config/fish/completions/gatehouse.fish"})
public final class CompletionCommand extends CliCommand {
    @Parameters(paramLabel = "SHELL", description = "bash, zsh or fish")
    String shell;

    @Override
    void run() {
        String script = switch (shell) {
            case "bash" -> AutoComplete.bash("gatehouse", spec.root().commandLine());
            // zsh runs the bash script through bashcompinit.
            case "zsh" -> "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"
                    + AutoComplete.bash("gatehouse", spec.root().commandLine());
            case "fish" -> FishCompletion.script(spec.root().commandLine());
            default -> throw new CliException(CliException.USAGE, "SHELL must be bash, zsh or fish");
        };
        terminal().out().print(script);
        terminal().out().flush();
    }
}
