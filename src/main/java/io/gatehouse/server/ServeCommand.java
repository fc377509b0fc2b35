package io.gatehouse.server;

import io.gatehouse.config.Settings;
import io.gatehouse.config.SettingsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code gatehouse serve}: runs a node until SIGTERM or SIGINT, then shuts down gracefully and exits 0. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the Gatehouse server (settings from GATEHOUSE_* environment variables).")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Settings file: the GATEHOUSE_* names in lower case, one 'name=value' per line.")
    Path config;

    @Override
    public Integer call() throws Exception {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Logger log = LoggerFactory.getLogger(ServeCommand.class);
        Settings settings;
        try {
            settings = Settings.load(System.getenv(), config);
        } catch (SettingsException e) {
            System.err.println("gatehouse: " + e.getMessage());
            return 2;
        }
        log.info("Starting Gatehouse: {}", settings.describe());
        GatehouseServer server = GatehouseServer.start(settings);
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        stop.await();
        server.stopGracefully(settings.shutdownGrace());
        return 0;
    }
}
