package io.gatehouse.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A client command: its global options, terminal, stored credentials, API client and output, in one
 * place. {@code -h}/{@code --help} comes from the root command (inherited by every command).
 */
abstract class CliCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private GlobalOptions global;
    private ApiClient client;

    GlobalOptions g() {
        if (global == null) {
            Object root = spec.root().userObject();
            global = root instanceof CliRoot r ? r.globalOptions() : new GlobalOptions();
        }
        return global;
    }

    Terminal terminal() {
        return g().terminal();
    }

    CredentialStore store() {
        return new CredentialStore(g().env());
    }

    ApiClient client() {
        if (client == null) {
            client = new ApiClient(g(), store());
        }
        return client;
    }

    Output out() {
        return new Output(g(), terminal().out());
    }

    PrintStream err() {
        return terminal().err();
    }

    @Override
    public final Integer call() throws Exception {
        run();
        return 0;
    }

    abstract void run() throws Exception;
}
