package org.securemail.dns.messaging;

import java.time.Duration;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsQuery;
import org.securemail.dns.config.DnsConfig;
import org.securemail.dns.resolve.LookupService;

/**
 * The replier of the Kafka request/reply on {@code dns.queries}: each query is answered on the reply topic the
 * requester named (SmallRye propagates the correlation id). Queries are answered concurrently, bounded by twice the
 * in-flight cap; the request is acknowledged once its reply is written. {@code dns.queries.wait} is the time a request
 * spent in Kafka (its record timestamp to the moment it is read), {@code dns.queries.answer} the time from then to
 * its answer: together, where a lookup of a mail service waits.
 */
@ApplicationScoped
public class QueryResponder {

    public static final String QUERIES = "dns-queries";
    public static final String REPLIES = "dns-replies";

    @Inject
    LookupService lookups;

    @Inject
    DnsConfig config;

    @Inject
    MeterRegistry registry;

    private Timer waited;
    private Timer answered;

    @PostConstruct
    void timers() {
        waited = Timer.builder("dns.queries.wait").description("time a request spent in Kafka before it was read")
                .publishPercentiles(0.5, 0.99).register(registry);
        answered = Timer.builder("dns.queries.answer").description("time from reading a request to its answer")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    @Incoming(QUERIES)
    @Outgoing(REPLIES)
    public Multi<Message<DnsAnswer>> answer(Multi<Message<DnsQuery>> queries) {
        return queries.onItem().transformToUni(this::answerOne).merge(2 * config.limits().total());
    }

    private Uni<Message<DnsAnswer>> answerOne(Message<DnsQuery> query) {
        if (query.getPayload() == null || query.getPayload().name() == null || query.getPayload().type() == null) {
            return Uni.createFrom().completionStage(query.nack(new IllegalArgumentException("not a DnsQuery")))
                    .replaceWith((Message<DnsAnswer>) null);
        }
        long read = System.currentTimeMillis();
        long readNanos = System.nanoTime();
        query.getMetadata(IncomingKafkaRecordMetadata.class).ifPresent(meta -> {
            if (meta.getTimestamp() != null && meta.getTimestamp().toEpochMilli() > 0) {
                waited.record(Duration.ofMillis(Math.max(0, read - meta.getTimestamp().toEpochMilli())));
            }
        });
        return lookups.answer(query.getPayload())
                .invoke(() -> answered.record(Duration.ofNanos(System.nanoTime() - readNanos)))
                .map(query::withPayload);
    }
}
