package io.gatehouse.backup;

import io.gatehouse.config.Settings;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.gatehouse.store.Database;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /admin/v1/backup} on the admin port: an online backup of the embedded database, streamed
 * to the caller as a zip ({@code gatehouse backup FILE} saves it where the CLI runs). The backup is
 * taken before the answer starts, so a failure is an ordinary error; on PostgreSQL it is 409 naming pg_dump.
 */
public final class BackupEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(BackupEndpoints.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Database db;
    private final Settings settings;
    private final Clock clock;

    public BackupEndpoints(Database db, Settings settings, Clock clock) {
        this.db = db;
        this.settings = settings;
        this.clock = clock;
    }

    public void register(Router admin) {
        admin.add(new Route("POST", "/admin/v1/backup", Route.Access.CREDENTIAL, null, this::backup));
    }

    private void backup(Exchange ex) {
        try (Backups.Snapshot snapshot = Backups.take(db, settings.dataDir(), settings.masterKey() == null)) {
            ServerResponse res = ex.rawResponse();
            res.header(Exchange.X_REQUEST_ID, ex.requestId());
            res.header("Content-Type", "application/zip");
            res.header("Content-Disposition", "attachment; filename=\"gatehouse-backup-" + STAMP.format(clock.instant()) + ".zip\"");
            res.header("Cache-Control", "no-store");
            res.header("X-Content-Type-Options", "nosniff");
            res.status(200);
            ex.markStreamed(200);
            try (OutputStream out = res.outputStream()) {
                snapshot.writeTo(out);
            }
            LOG.info("Backup of the embedded database sent (request {})", ex.requestId());
        } catch (IOException | UncheckedIOException e) {
            // The status line is gone; the client sees a truncated zip and says so.
            LOG.warn("Backup for request {} ended early: {}", ex.requestId(), e.toString());
        }
    }
}
