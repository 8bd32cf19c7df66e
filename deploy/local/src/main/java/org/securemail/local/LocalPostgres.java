package org.securemail.local;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.securemail.embedded.Postgres;

/**
 * Runs the local stack's embedded PostgreSQL until the process is told to stop (SIGTERM / Ctrl-C).
 * Usage: {@code LocalPostgres <work-dir> <data-dir> <port>}. Prints {@code POSTGRES READY <port>} when it accepts
 * connections. The data directory survives restarts.
 */
public final class LocalPostgres {

    private LocalPostgres() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: LocalPostgres <work-dir> <data-dir> <port>");
            System.exit(2);
        }
        Postgres postgres = Postgres.start(Path.of(args[0]), Path.of(args[1]), Integer.parseInt(args[2]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            postgres.close();
            stopped.countDown();
        }, "postgres-shutdown"));
        System.out.println("POSTGRES READY " + postgres.port());
        stopped.await();
    }
}
