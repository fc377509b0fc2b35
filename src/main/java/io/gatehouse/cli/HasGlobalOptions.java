package io.gatehouse.cli;

/** The root command offers the global options to every client command. */
public interface HasGlobalOptions {
    GlobalOptions globalOptions();
}
