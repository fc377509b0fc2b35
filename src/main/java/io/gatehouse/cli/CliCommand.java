package io.gatehouse.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A client command: its global options, stored credentials, API client and output, in one place. */
abstract class CliCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private GlobalOptions global;
    private ApiClient client;

    GlobalOptions g() {
        if (global == null) {
            Object root = spec.root().userObject();
            global = root instanceof HasGlobalOptions h ? h.globalOptions() : new GlobalOptions();
        }
        return global;
    }

    CredentialStore store() {
        return new CredentialStore(g().env());
    }

    ApiClient client() {
        if (client == null) {
            client = new ApiClient(g(), store(), err());
        }
        return client;
    }

    Output out() {
        return new Output(g(), System.out);
    }

    PrintStream err() {
        return System.err;
    }

    @Override
    public final Integer call() throws Exception {
        run();
        return 0;
    }

    abstract void run() throws Exception;
}
