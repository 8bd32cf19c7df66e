package org.securemail.delivery.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
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

    /** How long one write may take before it is written again (the producer's delivery timeout). */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(45);

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
     *
     * <p>A record whose write timed out is written once more by a fresh producer, after the partition's state as the
     * broker reports it is printed. Once, in a clean-clone CI run on a loaded machine, every batch of one producer
     * expired after the producer's full 120 s while other producers of the same broker were acknowledged: what the
     * test needs is its input on the topic, and the printed state tells the next reader why it was late. A record
     * that fails twice fails the test.
     */
    public static void produceAll(KafkaBroker broker, List<ProducerRecord<String, byte[]>> records) throws Exception {
        List<ProducerRecord<String, byte[]>> late = sendAll(broker, records);
        if (late.isEmpty()) {
            return;
        }
        System.out.printf("%d of %d record(s) timed out; broker state: %s%n", late.size(), records.size(),
                describe(broker, late));
        List<ProducerRecord<String, byte[]>> lost = sendAll(broker, late);
        if (!lost.isEmpty()) {
            throw new IllegalStateException(lost.size() + " record(s) could not be written twice; broker state: "
                    + describe(broker, lost));
        }
    }

    /** Writes the records and returns those whose write timed out; any other failure is thrown. */
    private static List<ProducerRecord<String, byte[]>> sendAll(KafkaBroker broker,
            List<ProducerRecord<String, byte[]>> records) throws Exception {
        List<ProducerRecord<String, byte[]>> late = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = broker.producer(WRITE_TIMEOUT)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (ProducerRecord<String, byte[]> record : records) {
                acks.add(producer.send(record));
            }
            producer.flush();
            for (int i = 0; i < acks.size(); i++) {
                try {
                    acks.get(i).get(WRITE_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException)) {
                        throw e;
                    }
                    late.add(records.get(i));
                }
            }
        }
        return late;
    }

    /** Leader, replicas and ISR of the partitions the records went to, as the broker describes them now. */
    private static String describe(KafkaBroker broker, List<ProducerRecord<String, byte[]>> records) {
        Set<String> topics = new TreeSet<>();
        records.forEach(r -> topics.add(r.topic()));
        try (Admin admin = broker.admin()) {
            return admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().toString();
        } catch (Exception e) {
            return "(not described: " + e + ")";
        }
    }
}
