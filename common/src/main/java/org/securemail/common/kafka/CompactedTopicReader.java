package org.securemail.common.kafka;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads compacted topics from the beginning into memory and keeps following them: the one mechanism behind every
 * in-memory table of the suite (ingest's provisioning state, delivery's routes and recipient state, the DNS
 * service's restored cache).
 *
 * <p>Every partition of every topic is assigned by hand: no consumer group, no commits, every replica reads
 * everything, and a restart reads it again. {@link #caughtUp()} completes once every partition was read up to the
 * end offset seen when reading started (readiness waits for it). A record the sink cannot take is skipped and
 * reported to {@link Builder#onUnreadable} (a compacted topic has no DLQ: the next version of the key replaces it).
 * When the connection fails (broker gone, topic not created yet) the reader builds a new consumer after a pause
 * and reads from the beginning again; the sink must therefore be idempotent per key, as a table is.
 */
public final class CompactedTopicReader implements AutoCloseable {

    /** Takes one record; a {@code null} value is a tombstone. */
    @FunctionalInterface
    public interface Sink {
        void accept(ConsumerRecord<String, byte[]> record) throws Exception;
    }

    /** Told about a record the sink threw on. */
    @FunctionalInterface
    public interface UnreadableListener {
        void skipped(ConsumerRecord<String, byte[]> record, Exception cause);
    }

    /** JDK platform logging: no logging dependency in common; Quarkus routes it to its log manager. */
    private static final Logger LOG = System.getLogger(CompactedTopicReader.class.getName());

    private final List<String> topics;
    private final Map<String, Object> consumerConfig;
    /** A busy follower's fetch batching ({@link Builder#batchedFetch()}), unless the settings give their own. */
    static final int FETCH_MIN_BYTES = 65536;
    static final int FETCH_MAX_WAIT_MS = 500;

    private final Sink sink;
    private final UnreadableListener onUnreadable;
    private final Duration pollTimeout;
    private final Duration retryPause;
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    /** {@link #catchUp()} requests not yet given their target offsets by the reading thread. */
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> catchUpRequests = new ConcurrentLinkedQueue<>();
    /** Requests with their target offsets, kept across a restart of the reading (the targets stay valid). */
    private final List<CatchUp> catchUps = new ArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;

    private CompactedTopicReader(Builder b) {
        this.topics = List.copyOf(b.topics);
        this.sink = Objects.requireNonNull(b.sink, "sink");
        this.onUnreadable = b.onUnreadable;
        this.pollTimeout = b.pollTimeout;
        this.retryPause = b.retryPause;
        Map<String, Object> config = new HashMap<>(b.settings.consumer(b.purpose));
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (b.batchedFetch) {
            // a busy follower wants many small records per fetch, not one fetch per record: the broker answers once
            // it has this much or the wait is over, so the table lags its topic by up to the wait (issue 15)
            config.putIfAbsent(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, FETCH_MIN_BYTES);
            config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
        }
        this.consumerConfig = Map.copyOf(config);
        this.thread = new Thread(this::run, b.settings.clientId(b.purpose));
        this.thread.setDaemon(true);
    }

    public static Builder builder(KafkaClientSettings settings, String purpose, String... topics) {
        return new Builder(settings, purpose, List.of(topics));
    }

    /** Starts reading on its own daemon thread (named after the client id). */
    public CompactedTopicReader start() {
        thread.start();
        return this;
    }

    /** Completes once every partition was read up to the end offsets found when reading started. */
    public CompletableFuture<Void> caughtUp() {
        return caughtUp;
    }

    /**
     * Completes once every partition was read up to the end offsets found after this call: everything written to the
     * topics before the call is then in the table (a rebalance's new owner waits for its predecessor's last writes
     * this way). A reader that fails and starts again from the beginning still completes it.
     */
    public CompletableFuture<Void> catchUp() {
        CompletableFuture<Void> request = new CompletableFuture<>();
        catchUpRequests.add(request);
        if (!running) { // closed: nobody reads the requests any more (close fails those it finds)
            catchUpRequests.remove(request);
            request.completeExceptionally(new IllegalStateException("reader of " + topics + " closed"));
        }
        return request;
    }

    /** The consumer settings this reader uses (the service's shared settings plus its own). */
    public Map<String, Object> consumerConfig() {
        return consumerConfig;
    }

    public List<String> topics() {
        return topics;
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, byte[]> c =
                    new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer = c;
                if (!running) {
                    return; // closed while the consumer was built: the wakeup went to no one
                }
                follow(c);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.log(Level.WARNING, "reader of {0} failed, reading again from the beginning in {1}: {2}", topics,
                        retryPause, e.toString());
                try {
                    if (closed.await(retryPause.toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void follow(KafkaConsumer<String, byte[]> c) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " has no partitions (not created yet?)");
            }
            infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        c.assign(partitions);
        c.seekToBeginning(partitions);
        Map<TopicPartition, Long> pending = new HashMap<>(c.endOffsets(partitions, Duration.ofSeconds(10)));
        LOG.log(Level.INFO, "reading {0} up to {1}", topics, pending);
        while (running) {
            if (!catchUpRequests.isEmpty()) {
                // one end-offset lookup for every request made before it; they complete as the reading passes it
                List<CompletableFuture<Void>> requests = new ArrayList<>();
                for (CompletableFuture<Void> r; (r = catchUpRequests.poll()) != null; ) {
                    requests.add(r);
                }
                catchUps.add(new CatchUp(new HashMap<>(c.endOffsets(partitions, Duration.ofSeconds(10))), requests));
            }
            for (ConsumerRecord<String, byte[]> record : c.poll(pollTimeout)) {
                apply(record);
            }
            catchUps.removeIf(u -> {
                u.pending().entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
                if (u.pending().isEmpty()) {
                    u.requests().forEach(r -> r.complete(null));
                    return true;
                }
                return false;
            });
            if (!caughtUp.isDone()) {
                pending.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
                if (pending.isEmpty()) {
                    LOG.log(Level.INFO, "{0} read to the end", topics);
                    caughtUp.complete(null);
                }
            }
        }
    }

    /** Requests waiting for the reading to pass the end offsets looked up for them. */
    private record CatchUp(Map<TopicPartition, Long> pending, List<CompletableFuture<Void>> requests) {
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        try {
            sink.accept(record);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "skipping an unreadable record {0}-{1}@{2} key={3}: {4}", record.topic(),
                    record.partition(), String.valueOf(record.offset()), record.key(), e.toString());
            onUnreadable.skipped(record, e);
        }
    }

    @Override
    public void close() {
        running = false;
        closed.countDown();
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IllegalStateException gone = new IllegalStateException("reader of " + topics + " closed");
        catchUpRequests.forEach(r -> r.completeExceptionally(gone));
        if (!thread.isAlive()) {
            catchUps.forEach(u -> u.requests().forEach(r -> r.completeExceptionally(gone)));
        }
    }

    public static final class Builder {
        private final KafkaClientSettings settings;
        private final String purpose;
        private final List<String> topics;
        private Sink sink;
        private UnreadableListener onUnreadable = (record, cause) -> { };
        private Duration pollTimeout = Duration.ofMillis(500);
        private Duration retryPause = Duration.ofSeconds(1);
        private boolean batchedFetch;

        private Builder(KafkaClientSettings settings, String purpose, List<String> topics) {
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("at least one topic");
            }
            this.settings = Objects.requireNonNull(settings, "settings");
            this.purpose = Objects.requireNonNull(purpose, "purpose");
            this.topics = topics;
        }

        public Builder sink(Sink sink) {
            this.sink = sink;
            return this;
        }

        public Builder onUnreadable(UnreadableListener listener) {
            this.onUnreadable = Objects.requireNonNull(listener);
            return this;
        }

        public Builder pollTimeout(Duration timeout) {
            this.pollTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Pause before reading again after a failure (default 1 s). */
        public Builder retryPause(Duration pause) {
            this.retryPause = Objects.requireNonNull(pause);
            return this;
        }

        /**
         * For a busy topic whose records the service also applies itself as it writes them (the delivery state, the
         * DNS cache): fetch in batches of 64 KiB or 500 ms, whichever comes first, at the
         * price of up to 500 ms of lag. Not for a table whose changes must show at once (provisioning: a domain added
         * must route the next message).
         */
        public Builder batchedFetch() {
            this.batchedFetch = true;
            return this;
        }

        public CompactedTopicReader build() {
            return new CompactedTopicReader(this);
        }
    }
}
