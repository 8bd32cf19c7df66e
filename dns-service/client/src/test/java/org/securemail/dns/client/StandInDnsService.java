package org.securemail.dns.client;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsQuery;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;

/** Answers dns.queries like the DNS service would; names starting with "silent." are never answered. */
@ApplicationScoped
public class StandInDnsService {

    private final AtomicInteger requests = new AtomicInteger();
    private volatile String lastKey;

    /** Read through methods: fields of a client proxy are the proxy's own copies. */
    public int requests() {
        return requests.get();
    }

    public String lastKey() {
        return lastKey;
    }

    @Incoming("stand-in-queries")
    @Outgoing("stand-in-replies")
    public org.eclipse.microprofile.reactive.messaging.Message<DnsAnswer> answer(
            org.eclipse.microprofile.reactive.messaging.Message<DnsQuery> message) {
        requests.incrementAndGet();
        message.getMetadata(io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata.class)
                .ifPresent(m -> lastKey = String.valueOf(m.getKey()));
        DnsQuery query = message.getPayload();
        if (query.name().startsWith("silent.")) {
            message.ack();
            return null;
        }
        return message.withPayload(new DnsAnswer(query.name(), query.type(), DnsStatus.ANSWER,
                List.of(new DnsRecordData(query.name(), query.type(), 300, "10 mx." + query.name())), 0, null));
    }
}
