package org.securemail.delivery.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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

    /**
     * Writes every record and waits for each acknowledgement, so a test never starts on an input topic that silently
     * lacks some of its records (an unchecked send can time out on a loaded machine, and the missing mail would then
     * look like a loss of the service under test).
     */
    public static void produceAll(KafkaBroker broker, List<ProducerRecord<String, byte[]>> records) throws Exception {
        try (KafkaProducer<String, byte[]> producer = broker.producer()) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (ProducerRecord<String, byte[]> record : records) {
                acks.add(producer.send(record));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get(60, TimeUnit.SECONDS);
            }
        }
    }
}
