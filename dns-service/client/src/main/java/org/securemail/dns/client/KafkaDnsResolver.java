package org.securemail.dns.client;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.reply.KafkaRequestReply;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsQuery;
import org.securemail.common.dns.DnsType;

/**
 * {@link DnsResolver} over Kafka: a request on {@code dns.queries} (key = zone) answered by the DNS service on
 * {@code dns.queries-replies}, with a local read-through cache fed from {@code dns.cache}.
 *
 * <p>Whatever happens (service down, broker down, slow zone), the returned Uni completes by the deadline: with the
 * service's answer, a fresh local answer, a stale local answer, or TIMEOUT. It never fails.
 */
@ApplicationScoped
@IfBuildProperty(name = KafkaDnsResolver.ENABLED_PROPERTY, stringValue = "true", enableIfMissing = true)
public class KafkaDnsResolver implements DnsResolver {

    /** Build property; set it to false in a service that has the jar on its class path but no use for the beans. */
    public static final String ENABLED_PROPERTY = "securemail.dns.client.enabled";
    public static final String REQUESTS_CHANNEL = "dns-requests";

    private static final Logger LOG = Logger.getLogger(KafkaDnsResolver.class);

    private final KafkaRequestReply<DnsQuery, DnsAnswer> requests;
    private final LocalDnsCache local;

    @Inject
    KafkaDnsResolver(@Channel(REQUESTS_CHANNEL) KafkaRequestReply<DnsQuery, DnsAnswer> requests,
            LocalDnsCache local) {
        this.requests = requests;
        this.local = local;
    }

    @Override
    public Uni<DnsAnswer> resolve(String name, DnsType type, Duration deadline) {
        String normalized = Zones.normalize(name);
        long now = System.currentTimeMillis();
        Optional<DnsAnswer> fresh = local.fresh(normalized, type, now);
        if (fresh.isPresent()) {
            return Uni.createFrom().item(fresh.get());
        }
        DnsQuery query = new DnsQuery(normalized, type, now + deadline.toMillis());
        return Uni.createFrom().deferred(() -> requests.request(Message.of(query).addMetadata(
                        OutgoingKafkaRecordMetadata.<String>builder().withKey(Zones.zoneOf(normalized)).build())))
                .map(Message::getPayload)
                .ifNoItem().after(deadline).recoverWithItem(() -> fallback(normalized, type, "no answer from the DNS service by the deadline"))
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf(failure, "DNS request for %s/%s failed", type, normalized);
                    return fallback(normalized, type, "DNS service request failed: " + failure.getClass().getSimpleName());
                });
    }

    private DnsAnswer fallback(String name, DnsType type, String detail) {
        return local.stale(name, type, System.currentTimeMillis(), detail)
                .orElseGet(() -> DnsAnswer.timeout(name, type, detail));
    }
}
