package org.securemail.delivery.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.provisioning.NextHop;
import org.securemail.common.provisioning.TlsPolicy;
import org.securemail.common.topics.Topics;
import org.securemail.testing.KafkaBroker;

/** What delivery tests put on the broker: a domain routed to a local sink, and mail records as the ingress writes them. */
public final class TestMail {

    private TestMail() {
    }

    /** Provisions {@code domain} (tenant t1) as an inbound domain whose one next hop is 127.0.0.1:{@code port}, plain SMTP. */
    public static void routeTo(KafkaBroker broker, ObjectMapper mapper, String domain, int port)
            throws JsonProcessingException {
        DomainRecord route = new DomainRecord(domain, "t1", true,
                List.of(new NextHop("127.0.0.1", port, 10, TlsPolicy.NONE)), false, 0, true, null, 1);
        broker.send(Topics.PROVISIONING_DOMAINS, domain, mapper.writeValueAsBytes(route), Map.of());
    }

    /** A mail record: key = queue id, value = the raw message, header {@link MailHeaders#ENVELOPE} = the envelope. */
    public static ProducerRecord<String, byte[]> record(ObjectMapper mapper, String topic, MailEnvelope envelope,
            String message) throws JsonProcessingException {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, envelope.queueId(),
                message.getBytes(StandardCharsets.UTF_8));
        record.headers().add(MailHeaders.ENVELOPE, mapper.writeValueAsBytes(envelope));
        return record;
    }
}
