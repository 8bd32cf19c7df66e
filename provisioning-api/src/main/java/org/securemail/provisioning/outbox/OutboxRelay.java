package org.securemail.provisioning.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;
import org.securemail.common.kafka.KafkaClientSettings;
import org.securemail.provisioning.config.ProvisioningConfig;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Publishes the outbox to the compacted provisioning topics, oldest event first.
 *
 * <p>One relay thread per instance. Each round runs in one database transaction: it takes a transaction-scoped
 * advisory lock (so only one replica publishes at a time and per-key order holds across replicas), reads a batch in
 * id order, sends it with an idempotent {@code acks=all} producer, waits for every acknowledgement and deletes the
 * batch. A crash before the delete commits leaves the events in the table and the next round publishes them again:
 * nothing is lost. Before sending, the relay marks the batch as in flight ({@code outbox_relay}, autocommitted); if a
 * round finds that mark, the previous one died between send and delete, and the relay first reads the last outbox id
 * published to each partition ({@link PublishedPositions}) and skips what Kafka already has: a crash does not
 * publish a batch twice.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Arbitrary constant naming the relay's advisory lock. */
    static final long ADVISORY_LOCK = 0x5EC0_0B0CL;

    @Inject
    Pool pool;

    @Inject
    ProvisioningConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    KafkaClientSettings kafka;

    private final Semaphore wake = new Semaphore(0);
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestMillis = new AtomicLong();
    private volatile Thread thread;
    private volatile boolean running;
    private KafkaProducer<String, String> producer;
    private Counter published;
    private Counter failures;
    private Counter skipped;
    private final Map<String, Integer> partitionCounts = new ConcurrentHashMap<>();

    void onStart(@Observes StartupEvent event) {
        published = Counter.builder("provisioning.outbox.published").description("outbox events published to Kafka")
                .register(registry);
        skipped = Counter.builder("provisioning.outbox.skipped")
                .description("events found already in Kafka after an interrupted round, not sent again").register(registry);
        failures = Counter.builder("provisioning.outbox.failures")
                .description("relay rounds that failed and will be retried").register(registry);
        Gauge.builder("provisioning.outbox.pending", pending, AtomicLong::get)
                .description("events read but not yet published in the last relay round").register(registry);
        Gauge.builder("provisioning.outbox.backlog", backlog, AtomicLong::get)
                .description("events in the outbox table at the start of the last relay round").register(registry);
        Gauge.builder("provisioning.outbox.oldest.age.seconds", oldestMillis,
                        t -> t.get() == 0 ? 0 : (System.currentTimeMillis() - t.get()) / 1000.0)
                .description("age of the oldest unpublished event (0 when the outbox is empty)").register(registry);
        if (config.outbox().enabled()) {
            start();
        }
    }

    /** Starts the relay thread (idempotent). */
    public synchronized void start() {
        if (running) {
            return;
        }
        producer = createProducer();
        running = true;
        Thread t = new Thread(this::loop, "outbox-relay");
        t.setDaemon(true);
        thread = t;
        t.start();
        LOG.infof("outbox relay started, publishing to %s", kafka.bootstrapServers());
    }

    /** Stops the relay before the datasource closes at shutdown. */
    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Stops the relay thread and closes its producer; unpublished events stay in the table. */
    @PreDestroy
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        wake.release();
        Thread t = thread;
        try {
            if (t != null) {
                t.join(config.outbox().deliveryTimeout().toMillis() + 5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        producer = null;
        thread = null;
        LOG.info("outbox relay stopped");
    }

    public boolean running() {
        return running;
    }

    /** Asks for a round now, e.g. right after a commit that wrote events. */
    public void wakeUp() {
        wake.release();
    }

    private void loop() {
        long pollMs = config.outbox().pollInterval().toMillis();
        while (running) {
            try {
                wake.tryAcquire(pollMs, TimeUnit.MILLISECONDS);
                wake.drainPermits();
                if (!running) {
                    return;
                }
                while (running && publishBatch() == config.outbox().batchSize()) {
                    // a full batch: there may be more right away
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                failures.increment();
                LOG.warnf("outbox relay round failed, retrying in %s: %s", config.outbox().retryBackoff(), e.toString());
                try {
                    Thread.sleep(config.outbox().retryBackoff().toMillis()); // backoff between retries, not a test wait
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One round; returns how many events it took from the outbox. */
    int publishBatch() {
        Duration timeout = config.outbox().deliveryTimeout().plusSeconds(10);
        SqlConnection conn = pool.getConnection().await().atMost(timeout);
        try {
            Row stats = conn.query("SELECT count(*) AS n, min(created_at) AS oldest FROM outbox_event").execute()
                    .await().atMost(timeout).iterator().next();
            backlog.set(stats.getLong("n"));
            oldestMillis.set(stats.getOffsetDateTime("oldest") == null ? 0
                    : stats.getOffsetDateTime("oldest").toInstant().toEpochMilli());
            Transaction tx = conn.begin().await().atMost(timeout);
            try {
                boolean locked = conn.preparedQuery("SELECT pg_try_advisory_xact_lock($1) AS locked")
                        .execute(Tuple.of(ADVISORY_LOCK)).await().atMost(timeout)
                        .iterator().next().getBoolean("locked");
                if (!locked) {
                    tx.rollback().await().atMost(timeout);
                    return 0;
                }
                List<Row> rows = new ArrayList<>();
                conn.preparedQuery("SELECT id, topic, record_key, payload FROM outbox_event ORDER BY id LIMIT $1")
                        .execute(Tuple.of(config.outbox().batchSize())).await().atMost(timeout).forEach(rows::add);
                if (rows.isEmpty()) {
                    tx.rollback().await().atMost(timeout);
                    return 0;
                }
                Long interrupted = conn.query("SELECT in_flight_upto FROM outbox_relay WHERE id = 1").execute()
                        .await().atMost(timeout).iterator().next().getLong("in_flight_upto");
                PublishedPositions already = null;
                if (interrupted != null) {
                    already = PublishedPositions.read(kafka,
                            rows.stream().map(r -> r.getString("topic")).distinct().toList(), timeout);
                    LOG.infof("a previous relay round stopped after sending up to outbox id %d; checking Kafka", interrupted);
                }
                long upTo = rows.get(rows.size() - 1).getLong("id");
                // autocommitted on another connection: survives this transaction if the process dies now
                pool.preparedQuery("UPDATE outbox_relay SET in_flight_upto = $1 WHERE id = 1").execute(Tuple.of(upTo))
                        .await().atMost(timeout);
                pending.set(rows.size());
                int sent = publish(rows, already);
                Long[] ids = rows.stream().map(r -> r.getLong("id")).toArray(Long[]::new);
                conn.preparedQuery("DELETE FROM outbox_event WHERE id = ANY($1)").execute(Tuple.of(ids))
                        .await().atMost(timeout);
                conn.query("UPDATE outbox_relay SET in_flight_upto = NULL WHERE id = 1").execute().await().atMost(timeout);
                tx.commit().await().atMost(timeout);
                published.increment(sent);
                if (sent < rows.size()) {
                    skipped.increment(rows.size() - sent);
                }
                pending.set(0);
                backlog.addAndGet(-rows.size());
                return rows.size();
            } catch (RuntimeException e) {
                tx.rollback().await().atMost(timeout);
                throw e;
            }
        } finally {
            conn.close().await().atMost(timeout);
        }
    }

    /** Sends the rows not already in Kafka and waits for every acknowledgement; returns how many were sent. */
    private int publish(List<Row> rows, PublishedPositions already) {
        List<CompletableFuture<Void>> acks = new ArrayList<>(rows.size());
        for (Row row : rows) {
            String topic = row.getString("topic");
            String key = row.getString("record_key");
            long id = row.getLong("id");
            int partition = PublishedPositions.partition(key, partitions(topic));
            if (already != null && already.published(topic, partition, id)) {
                continue;
            }
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, partition, key, row.getString("payload"));
            record.headers().add(PublishedPositions.HEADER, Long.toString(id).getBytes(StandardCharsets.UTF_8));
            CompletableFuture<Void> ack = new CompletableFuture<>();
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    ack.completeExceptionally(error);
                } else {
                    ack.complete(null);
                }
            });
            acks.add(ack);
        }
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(config.outbox().deliveryTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("publishing " + rows.size() + " outbox events failed", e);
        }
        return acks.size();
    }

    private int partitions(String topic) {
        return partitionCounts.computeIfAbsent(topic, t -> producer.partitionsFor(t).size());
    }

    private KafkaProducer<String, String> createProducer() {
        Properties props = new Properties();
        props.putAll(kafka.producer("outbox-relay"));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        int timeoutMs = (int) config.outbox().deliveryTimeout().toMillis();
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMs));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(Math.min(timeoutMs / 2, 10_000)));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Integer.toString(timeoutMs));
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }
}
