package org.securemail.dns.listener;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import io.netty.handler.codec.dns.DnsQuestion;
import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.listener.ListenerMetrics.Reason;
import org.securemail.dns.resolve.LookupService;
import org.securemail.dns.upstream.WireFormat;

/**
 * The answer to one question, the same for UDP and TCP: the ACL, the class and type the service resolves, then
 * {@link LookupService#resolve} (cache, stale answers, failure cache, caps) mapped to a response code.
 */
final class QueryAnswerer {

    /** DNS class IN (RFC 1035 3.2.4). */
    static final int CLASS_IN = 1;

    private final LookupService lookups;
    private final Acl acl;
    private final Duration answerTimeout;
    private final ListenerMetrics metrics;

    QueryAnswerer(LookupService lookups, Acl acl, Duration answerTimeout, ListenerMetrics metrics) {
        this.lookups = lookups;
        this.acl = acl;
        this.answerTimeout = answerTimeout;
        this.metrics = metrics;
    }

    /** Never fails: a problem is a SERVFAIL; no answer within the answer timeout is a SERVFAIL too. */
    Uni<Reply> answer(InetAddress source, DnsQuestion question) {
        if (!acl.allows(source)) {
            metrics.refused(Reason.ACL);
            return Uni.createFrom().item(Reply.of(ReplyCode.REFUSED));
        }
        if (question.dnsClass() != CLASS_IN) {
            metrics.refused(Reason.CLASS);
            return Uni.createFrom().item(Reply.of(ReplyCode.REFUSED));
        }
        DnsType type = WireFormat.type(question.type().intValue());
        if (type == null) {
            // ANY, AXFR, SRV, CAA...: not resolved by the service (ANY would also be an amplifier)
            metrics.refused(Reason.TYPE);
            return Uni.createFrom().item(Reply.of(ReplyCode.REFUSED));
        }
        return lookups.resolve(question.name(), type)
                .map(QueryAnswerer::reply)
                .ifNoItem().after(answerTimeout).recoverWithItem(() -> Reply.of(ReplyCode.SERVFAIL))
                .onFailure().recoverWithItem(failure -> Reply.of(ReplyCode.SERVFAIL));
    }

    static Reply reply(DnsAnswer answer) {
        return switch (answer.status()) {
            case ANSWER -> new Reply(ReplyCode.NOERROR, answer.records());
            case STALE -> new Reply(ReplyCode.NOERROR, answer.records().stream()
                    .map(r -> new DnsRecordData(r.name(), r.type(), Math.min(r.ttl(), LookupService.STALE_TTL_SECONDS),
                            r.data()))
                    .toList());
            case NODATA -> Reply.of(ReplyCode.NOERROR);
            case NXDOMAIN -> Reply.of(ReplyCode.NXDOMAIN);
            case FAILED, BUSY, TIMEOUT -> new Reply(ReplyCode.SERVFAIL, List.of());
        };
    }
}
