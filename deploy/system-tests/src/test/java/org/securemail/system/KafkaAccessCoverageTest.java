package org.securemail.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.SmallRyeConfig;
import org.junit.jupiter.api.Test;
import org.securemail.common.access.KafkaAccess;
import org.securemail.common.access.ServiceAccess;
import org.securemail.common.topics.Topics;

/**
 * Issue 13, ADR 0081: what each service's Kafka clients use is covered by its declaration in {@link KafkaAccess}, so
 * the ACLs made from it (Strimzi users, the secured local stack, the secured system test) cannot drift from the code:
 * every channel of its {@code application.properties} (topics, group ids, dead-letter topics, request/reply topics and
 * groups, the dns-client channels included) and every catalogue topic its main sources name.
 */
class KafkaAccessCoverageTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Path DNS_CLIENT_DEFAULTS =
            ROOT.resolve("dns-service/client/src/main/resources/META-INF/dns-client-defaults.properties");

    @Test
    void ingestUsesOnlyWhatItsDeclarationAllows() {
        assertCovered(KafkaAccess.INGEST, "ingest-service");
    }

    @Test
    void theDnsServiceUsesOnlyWhatItsDeclarationAllows() {
        assertCovered(KafkaAccess.DNS, "dns-service/server");
    }

    @Test
    void deliveryUsesOnlyWhatItsDeclarationAllows() {
        assertCovered(KafkaAccess.DELIVERY, "delivery-service");
    }

    @Test
    void theProvisioningApiUsesOnlyWhatItsDeclarationAllows() {
        assertCovered(KafkaAccess.PROVISIONING, "provisioning-api");
    }

    @Test
    void aChannelOutsideTheDeclarationIsFound() throws Exception {
        Path properties = Files.createTempFile("application", ".properties");
        Files.writeString(properties, """
                quarkus.application.name=ingest-service
                mp.messaging.outgoing.relay-open.connector=smallrye-kafka
                mp.messaging.outgoing.relay-open.topic=provisioning.domains
                mp.messaging.incoming.logins.topic=provisioning.users
                mp.messaging.incoming.logins.group.id=delivery-mail-in
                mp.messaging.incoming.no-group.topic=mail.accepted
                mp.messaging.incoming.no-group.failure-strategy=dead-letter-queue
                mp.messaging.incoming.inspected.topic=mail.accepted
                mp.messaging.incoming.inspected.group.id=ingest-inspection
                mp.messaging.incoming.inspected.dead-letter-queue.topic=mail.accepted.dlq
                """);
        try {
            SmallRyeConfig config = ChannelAccess.productionConfig(properties, Optional.of(DNS_CLIENT_DEFAULTS));
            assertThat(ChannelAccess.channelViolations(KafkaAccess.INGEST, config)).containsExactlyInAnyOrder(
                    "incoming logins joins group delivery-mail-in",
                    "incoming no-group has no group.id of its own",
                    "incoming no-group writes dead letters to the connector's default topic",
                    "outgoing relay-open writes provisioning.domains");
            // delivery reads no SMTP logins, and the dns-client groups named after ingest are not its own
            assertThat(ChannelAccess.channelViolations(KafkaAccess.DELIVERY, config))
                    .contains("incoming logins reads provisioning.users")
                    .anyMatch(v -> v.startsWith("incoming dns-cache-feed joins group ingest-service-dns-cache-"));
        } finally {
            Files.delete(properties);
        }
        Path source = Files.createTempDirectory("src");
        try {
            // ingest routes to mail.ready (allowed); the delivery state is delivery's own; a number is not a topic
            Files.writeString(source.resolve("Hijack.java"), "class Hijack { String t = Topics.DELIVERY_STATE; int m = "
                    + "Topics.MAIL_MAX_MESSAGE_BYTES; String r = Topics.MAIL_READY; }");
            assertThat(ChannelAccess.sourceViolations(KafkaAccess.INGEST, List.of(source)))
                    .containsExactly("Hijack.java uses " + Topics.DELIVERY_STATE);
        } finally {
            Files.delete(source.resolve("Hijack.java"));
            Files.delete(source);
        }
    }

    private static void assertCovered(ServiceAccess access, String module) {
        Path dir = ROOT.resolve(module);
        SmallRyeConfig config = ChannelAccess.productionConfig(dir.resolve("src/main/resources/application.properties"),
                Optional.of(DNS_CLIENT_DEFAULTS));
        assertThat(ChannelAccess.channelViolations(access, config)).as(module + " channels").isEmpty();
        List<Path> sources = module.startsWith("dns-service") ? List.of(dir.resolve("src/main/java"))
                : List.of(dir.resolve("src/main/java"), ROOT.resolve("dns-service/client/src/main/java"));
        assertThat(ChannelAccess.sourceViolations(access, sources)).as(module + " hand-built clients").isEmpty();
    }
}
