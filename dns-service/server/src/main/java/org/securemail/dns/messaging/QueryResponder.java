package org.securemail.dns.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
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
 * in-flight cap; the request is acknowledged once its reply is written.
 */
@ApplicationScoped
public class QueryResponder {

    public static final String QUERIES = "dns-queries";
    public static final String REPLIES = "dns-replies";

    @Inject
    LookupService lookups;

    @Inject
    DnsConfig config;

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
        return lookups.answer(query.getPayload()).map(query::withPayload);
    }
}
