package org.securemail.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.securemail.embedded.Postgres;

/** Starts a real embedded PostgreSQL for a {@code @QuarkusTest} and points the application's datasources at it. */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private Postgres postgres;

    @Override
    public Map<String, String> start() {
        postgres = Postgres.start();
        return Map.of(
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
                "quarkus.datasource.reactive.url", postgres.reactiveUrl(),
                "quarkus.datasource.username", Postgres.USER,
                "quarkus.datasource.password", Postgres.PASSWORD);
    }

    @Override
    public void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }
}
