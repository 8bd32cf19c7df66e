package org.securemail.dns.listener;

import java.util.Locale;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsSection;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.dns.upstream.NettyUpstreamTransport;
import org.securemail.dns.upstream.WireFormat;

/** Fills a Netty {@link DnsResponse} from a {@link Reply}: flags, the question echoed, the records, EDNS0. */
final class Responses {

    /** A DNS message without EDNS0 fits in 512 bytes over UDP (RFC 1035 4.2.1). */
    static final int CLASSIC_UDP = 512;

    private Responses() {
    }

    /** What the listener keeps of a query once Netty has decoded it (the query itself is released). */
    record Asked(int id, boolean recursionDesired, DnsQuestion question, int ednsPayload) {

        boolean edns() {
            return ednsPayload > 0;
        }

        /** The largest UDP answer for this client: 512, or its EDNS0 size capped at 1232 (DNS Flag Day 2020). */
        int udpLimit() {
            return edns() ? Math.max(CLASSIC_UDP, Math.min(ednsPayload, NettyUpstreamTransport.EDNS_PAYLOAD))
                    : CLASSIC_UDP;
        }

        static Asked of(DnsQuery query) {
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            int payload = 0;
            int additional = query.count(DnsSection.ADDITIONAL);
            for (int i = 0; i < additional; i++) {
                DnsRecord record = query.recordAt(DnsSection.ADDITIONAL, i);
                if (record.type() == DnsRecordType.OPT) {
                    payload = Math.max(1, record.dnsClass());
                }
            }
            return new Asked(query.id(), query.isRecursionDesired(), question, payload);
        }
    }

    /** Sets the flags, echoes the question and adds the records (each one that cannot be written is left out). */
    static void fill(DnsResponse response, Asked asked, Reply reply, boolean withRecords) {
        response.setCode(reply.code().netty());
        response.setRecursionDesired(asked.recursionDesired());
        response.setRecursionAvailable(true);
        response.setAuthoritativeAnswer(false);
        response.addRecord(DnsSection.QUESTION, asked.question());
        if (withRecords) {
            String asName = asked.question().name();
            String normalized = normalize(asName);
            for (DnsRecordData record : reply.records()) {
                ByteBuf rdata = RdataWriter.rdata(record.type(), record.data());
                if (rdata == null) {
                    continue;
                }
                // the owner as the client spelled it (0x20 case randomisation), other owners (CNAME targets) as stored
                String owner = record.name().equals(normalized) ? asName : record.name() + ".";
                response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(owner,
                        WireFormat.netty(record.type()), Math.max(0, record.ttl()), rdata));
            }
        }
        if (asked.edns()) {
            response.addRecord(DnsSection.ADDITIONAL,
                    new OptRecord(NettyUpstreamTransport.EDNS_PAYLOAD));
        }
    }

    private static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
