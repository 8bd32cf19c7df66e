package org.securemail.ingest.support;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.provisioning.DomainPolicy;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.provisioning.NextHop;
import org.securemail.common.provisioning.RecipientRecord;
import org.securemail.common.provisioning.SmtpUserRecord;
import org.securemail.common.provisioning.TlsPolicy;
import org.securemail.common.topics.Topics;
import org.securemail.testing.KafkaBroker;

/** Provisioning records fed straight to the compacted topics, and reading back mail.accepted. */
public final class Fixtures {

    public static final String INBOUND = "inbound.example";
    public static final String LISTED = "listed.example";
    public static final String CUSTOMER = "customer.example";
    public static final String FOREIGN = "foreign.example";
    /** An inbound domain of t1 with its own 2000-byte message size limit. */
    public static final String SMALL = "small.example";
    public static final String USER = "bob";
    public static final String PASSWORD = "correct horse battery staple";

    private Fixtures() {
    }

    public static DomainRecord domain(String name, String tenant, boolean inbound, boolean listOnly, boolean outbound) {
        return domain(name, tenant, inbound, listOnly, outbound, 0);
    }

    public static DomainRecord domain(String name, String tenant, boolean inbound, boolean listOnly, boolean outbound,
            long maxMessageSize) {
        return new DomainRecord(name, tenant, inbound, List.of(new NextHop("mx." + name, 25, 10, TlsPolicy.OPPORTUNISTIC)),
                listOnly, maxMessageSize, outbound, new DomainPolicy("tag", "tag", List.of()), 1);
    }

    public static String bcrypt(String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return OpenBSDBCrypt.generate("2b", password.toCharArray(), salt, 4);
    }

    /** Publishes the standard test tenants: t1 inbound domains, t2 a submission customer, t3 someone else. */
    public static void provision(KafkaBroker broker, ObjectMapper json) throws Exception {
        send(broker, json, Topics.PROVISIONING_DOMAINS, INBOUND, domain(INBOUND, "t1", true, false, false));
        send(broker, json, Topics.PROVISIONING_DOMAINS, LISTED, domain(LISTED, "t1", true, true, false));
        send(broker, json, Topics.PROVISIONING_DOMAINS, CUSTOMER, domain(CUSTOMER, "t2", false, false, true));
        send(broker, json, Topics.PROVISIONING_DOMAINS, FOREIGN, domain(FOREIGN, "t3", true, false, true));
        send(broker, json, Topics.PROVISIONING_DOMAINS, SMALL, domain(SMALL, "t1", true, false, false, 2000));
        send(broker, json, Topics.PROVISIONING_RECIPIENTS, "alice@" + LISTED, new RecipientRecord(LISTED, "alice", "t1"));
        send(broker, json, Topics.PROVISIONING_USERS, USER, new SmtpUserRecord(USER, "t2", bcrypt(PASSWORD), true, 1));
        send(broker, json, Topics.PROVISIONING_USERS, "disabled",
                new SmtpUserRecord("disabled", "t2", bcrypt(PASSWORD), false, 1));
    }

    public static void send(KafkaBroker broker, ObjectMapper json, String topic, String key, Object value)
            throws Exception {
        broker.send(topic, key, value == null ? null : json.writeValueAsBytes(value), Map.of());
    }

    /** The queue id of a {@code 250 2.0.0 Ok: queued as <id>} reply. */
    public static String queueId(String reply) {
        int i = reply.indexOf("queued as ");
        if (i < 0) {
            throw new AssertionError("not a queued reply: " + reply);
        }
        return reply.substring(i + "queued as ".length()).trim();
    }

    /** Reads mail.accepted from the beginning until the record with this key shows up or the time is over. */
    public static Optional<ConsumerRecord<String, byte[]>> find(KafkaBroker broker, String queueId, Duration timeout) {
        return find(broker, Topics.MAIL_ACCEPTED, queueId, timeout);
    }

    /** Reads {@code topic} from the beginning until the record with this key shows up or the time is over. */
    public static Optional<ConsumerRecord<String, byte[]>> find(KafkaBroker broker, String topic, String queueId,
            Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = broker.consumer(topic)) {
            while (System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (queueId.equals(r.key())) {
                        return Optional.of(r);
                    }
                }
            }
        }
        return Optional.empty();
    }

    public static MailEnvelope envelope(ObjectMapper json, ConsumerRecord<String, byte[]> r) throws Exception {
        Header h = r.headers().lastHeader(MailHeaders.ENVELOPE);
        if (h == null) {
            throw new AssertionError("no " + MailHeaders.ENVELOPE + " header");
        }
        return json.readValue(h.value(), MailEnvelope.class);
    }

    public static String text(ConsumerRecord<String, byte[]> r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }
}
