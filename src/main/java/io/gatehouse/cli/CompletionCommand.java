package io.gatehouse.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gatehouse completion bash|zsh}: a completion script (zsh through bashcompinit). */
@Command(name = "completion", description = "Print a shell completion script: source <(gatehouse completion bash)",
        mixinStandardHelpOptions = true)
public final class CompletionCommand extends CliCommand {
    @Parameters(paramLabel = "SHELL", description = "bash or zsh")
    String shell;

    @Override
    void run() {
        String script = AutoComplete.bash("gatehouse", spec.root().commandLine());
        switch (shell) {
            case "bash" -> System.out.print(script);
            case "zsh" -> System.out.print("autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script);
            default -> throw new CliException(CliException.USAGE, "SHELL must be bash or zsh");
        }
    }
}
