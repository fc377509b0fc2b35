package io.gatehouse.server;

import io.gatehouse.config.Settings;
import io.gatehouse.config.SettingsException;
import io.gatehouse.core.StartupFault;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code gatehouse serve}: runs a node until SIGTERM or SIGINT, then shuts down gracefully and exits 0. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the Gatehouse server (settings from GATEHOUSE_* environment variables).")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Settings file: the GATEHOUSE_* names in lower case, one 'name=value' per line.")
    Path config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return serve(config, spec.commandLine().getErr());
    }

    /**
     * Runs a node with the settings of the environment and of {@code config} (null: none) until SIGTERM or
     * SIGINT; returns the exit code. {@code Main} calls it without picocli for a plain {@code serve}.
     */
    public static int serve(Path config, PrintWriter err) throws InterruptedException {
        StartupPhases.mark("command line parsed");
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Logger log = LoggerFactory.getLogger(ServeCommand.class);
        Settings settings;
        try {
            settings = Settings.load(System.getenv(), config);
        } catch (SettingsException e) {
            err.println("gatehouse: " + e.getMessage());
            err.flush();
            return 2;
        }
        Settings.unknownVariables(System.getenv()).forEach(log::warn);
        StartupPhases.mark("settings loaded");
        log.info("Starting Gatehouse: {}", settings.describe());
        GatehouseServer server;
        try {
            server = GatehouseServer.start(settings);
        } catch (StartupFault e) {
            // SPEC §1: one line naming the cause, a non-zero exit, nothing left half-started.
            err.println("gatehouse: cannot start: " + e.getMessage());
            err.flush();
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        stop.await();
        server.stopGracefully(settings.shutdownGrace());
        return 0;
    }
}
