package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securemail.common.access.KafkaAccess;
import org.securemail.common.topics.Topics;
import org.securemail.testing.FreePorts;
import org.securemail.testing.ServiceProcess;
import org.securemail.testing.SmtpSink;
import org.securemail.testing.dns.TestDnsServer;

/**
 * Issue 13 item 3, ADR 0081: the four packaged services against a broker secured as the cluster is (SASL_SSL with
 * SCRAM-SHA-512 only, {@code StandardAuthorizer}, nothing allowed without an ACL), each service with its own principal
 * and the ACLs of its declaration in {@link KafkaAccess}, its credentials and the CA given as the environment variables
 * its Deployment sets. A message goes end to end (provisioning → ingest → inspection with DNS → delivery → tracking),
 * and a principal that tries a topic or group outside its ACL is refused.
 */
class SecuredStackIT {

    private static final String OPERATOR_KEY = "secured-test-operator-key-0123456789";

    private static Stack stack;
    private static int mxPort;
    private static TestDnsServer resolver;

    @BeforeAll
    static void startSecuredStack() {
        stack = Stack.startSecuredInfrastructure();
        resolver = TestDnsServer.start();
        resolver.otherZones().mode(TestDnsServer.Mode.ANSWER);
        mxPort = FreePorts.next();
        stack.startAll(List.of(
                new Stack.Service("provisioning-api", "provisioning-api", Map.of(
                        "provisioning.bootstrap-operator-key", OPERATOR_KEY,
                        "provisioning.network.allowed-networks", "127.0.0.0/8",
                        "provisioning.network.allowed-ports", "1-65535")),
                new Stack.Service("dns-service", "dns-service/server", Map.of("dns.upstreams", resolver.hostPort())),
                new Stack.Service("ingest-service", "ingest-service", Map.of(
                        "ingest.mx.port", Integer.toString(mxPort),
                        "ingest.submission.port", Integer.toString(FreePorts.next()),
                        // the SPF lookup goes ingest → dns.queries → DNS service → dns.queries-replies: each hop over
                        // TLS with its own principal; generous on a loaded machine, the result is what is checked
                        "ingest.inspection.lookup-deadline", "20s")),
                new Stack.Service("delivery-service", "delivery-service", Map.of(
                        "delivery.network.allowed-networks", "127.0.0.0/8",
                        "delivery.network.allowed-ports", "1-65535"))));
    }

    @AfterAll
    static void stopSecuredStack() {
        if (stack != null) {
            stack.close();
        }
        if (resolver != null) {
            resolver.close();
        }
    }

    @Test
    void aMessageGoesThroughEveryServiceEachWithItsOwnPrincipal() throws Exception {
        OperatorApi api = new OperatorApi(stack.services.get("provisioning-api"), OPERATOR_KEY);
        try (SmtpSink nextHop = SmtpSink.start()) {
            String tenantId = OperatorApi.id(api.post("/api/v1/tenants", "{\"name\":\"Secured\"}"));
            api.post("/api/v1/domains", """
                    {"name":"secured.example","tenantId":"%s","inboundEnabled":true,
                     "nextHops":[{"host":"127.0.0.1","port":%d,"preference":10,"tls":"NONE"}],
                     "recipientListOnly":false,"outboundAllowed":false}""".formatted(tenantId, nextHop.port()));
            // provisioning-api's outbox wrote provisioning.domains; ingest read it
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    assertThat(SmtpProbe.rcptReply(mxPort, "alice@secured.example")).startsWith("250"));

            String messageId = "<secured-" + System.nanoTime() + "@sender.example>";
            String queued = SmtpProbe.send(mxPort, "bob@sender.example", "alice@secured.example",
                    "Message-ID: " + messageId + "\r\nSubject: secured\r\n\r\nOver SASL_SSL with ACLs.\r\n");
            assertThat(queued).startsWith("250 2.0.0");
            String queueId = queued.substring(queued.lastIndexOf(' ') + 1);

            // inspected (SPF through the DNS service: dns.queries and its replies) and delivered by delivery
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(nextHop.received)
                    .anySatisfy(received -> assertThat(received.data()).contains(messageId)
                            .startsWith("Authentication-Results: ").contains("spf=fail smtp.mailfrom=bob@sender.example")));
            // delivery.events read back by the API's tracking
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(api.get("/api/v1/messages/" + queueId)).contains("alice@secured.example").contains("DELIVERED"));
        }
        // and no client of any service was refused on the way (a background reader, a dead-letter producer...)
        for (ServiceProcess service : stack.services.values()) {
            assertThat(Files.readString(service.log(), StandardCharsets.UTF_8)).as(service.log().toString())
                    .doesNotContain("AuthorizationException").doesNotContain("Not authorized")
                    .doesNotContain("SaslAuthenticationException");
        }
    }

    @Test
    void ingestCannotWriteTheProvisionedDomainsSoItCannotOpenTheRelay() {
        assertRefused(() -> write("ingest-service", Topics.PROVISIONING_DOMAINS), TopicAuthorizationException.class);
    }

    @Test
    void deliveryCannotReadTheSmtpLogins() {
        assertRefused(() -> read("delivery-service", Topics.PROVISIONING_USERS), TopicAuthorizationException.class);
    }

    @Test
    void onlyTheDnsServiceWritesTheSharedCache() throws Exception {
        for (String principal : List.of("ingest-service", "delivery-service", "provisioning-api")) {
            assertRefused(() -> write(principal, Topics.DNS_CACHE), TopicAuthorizationException.class);
        }
        write("dns-service", Topics.DNS_CACHE);
    }

    @Test
    void theDnsServiceReadsNoMail() {
        assertRefused(() -> read("dns-service", Topics.MAIL_ACCEPTED), TopicAuthorizationException.class);
    }

    @Test
    void aServiceCannotJoinAnotherServicesGroup() {
        Map<String, Object> config = consumerConfig("delivery-service");
        config.put("group.id", "ingest-inspection");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(Topics.MAIL_READY));
            assertRefused(() -> consumer.poll(Duration.ofSeconds(15)), GroupAuthorizationException.class);
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        Map<String, Object> config = new HashMap<>(stack.secureBroker.clientConfig("ingest-service"));
        config.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"ingest-service\" password=\"not-the-password\";");
        config.put("max.block.ms", 15_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            assertRefused(() -> producer.send(new ProducerRecord<>(Topics.MAIL_ACCEPTED, "k", "v")).get(30, TimeUnit.SECONDS),
                    SaslAuthenticationException.class);
        }
    }

    /** A tombstone (harmless for every reader) written with {@code principal}'s credentials; throws what Kafka throws. */
    private static void write(String principal, String topic) throws Exception {
        Map<String, Object> config = new HashMap<>(stack.secureBroker.clientConfig(principal));
        config.put("max.block.ms", 15_000);
        config.put("delivery.timeout.ms", 30_000);
        config.put("request.timeout.ms", 15_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "secured-test/nothing.invalid", null)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Reads partition 0 of {@code topic} by assignment (no group) with {@code principal}'s credentials. */
    private static void read(String principal, String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(principal))) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(List.of(new TopicPartition(topic, 0)));
            consumer.poll(Duration.ofSeconds(15));
        }
    }

    private static Map<String, Object> consumerConfig(String principal) {
        Map<String, Object> config = new HashMap<>(stack.secureBroker.clientConfig(principal));
        config.put("key.deserializer", StringDeserializer.class.getName());
        config.put("value.deserializer", StringDeserializer.class.getName());
        config.put("auto.offset.reset", "earliest");
        config.put("enable.auto.commit", "false");
        config.put("default.api.timeout.ms", 15_000);
        return config;
    }

    private static void assertRefused(ThrowingCallable call, Class<? extends Exception> expected) {
        assertThatThrownBy(call).satisfies(thrown -> {
            Throwable t = thrown;
            while (t != null && !expected.isInstance(t)) {
                t = t.getCause();
            }
            assertThat(t).as("cause chain of " + thrown).isInstanceOf(expected);
            if (AuthorizationException.class.isAssignableFrom(expected)) {
                assertThat(t).isInstanceOf(AuthorizationException.class);
            }
        });
    }
}
