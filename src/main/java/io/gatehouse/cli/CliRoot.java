package io.gatehouse.cli;

/** The root command: the global options and the terminal every client command works with. */
public interface CliRoot {
    GlobalOptions globalOptions();

    Terminal terminal();
}
