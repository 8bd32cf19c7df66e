package org.securemail.dns.client.kafka;

import io.quarkus.kafka.client.serialization.ObjectMapperDeserializer;
import io.quarkus.kafka.client.serialization.ObjectMapperSerializer;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsCacheEntry;
import org.securemail.common.dns.DnsQuery;

/** JSON (de)serializers of the DNS wire records, named in channel configuration by both client and service. */
public final class DnsJson {

    private DnsJson() {
    }

    public static final class QuerySerializer extends ObjectMapperSerializer<DnsQuery> {
    }

    public static final class QueryDeserializer extends ObjectMapperDeserializer<DnsQuery> {
        public QueryDeserializer() {
            super(DnsQuery.class);
        }
    }

    public static final class AnswerSerializer extends ObjectMapperSerializer<DnsAnswer> {
    }

    public static final class AnswerDeserializer extends ObjectMapperDeserializer<DnsAnswer> {
        public AnswerDeserializer() {
            super(DnsAnswer.class);
        }
    }

    public static final class CacheEntrySerializer extends ObjectMapperSerializer<DnsCacheEntry> {
    }

    public static final class CacheEntryDeserializer extends ObjectMapperDeserializer<DnsCacheEntry> {
        public CacheEntryDeserializer() {
            super(DnsCacheEntry.class);
        }
    }
}
