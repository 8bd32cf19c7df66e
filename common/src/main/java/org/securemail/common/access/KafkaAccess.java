package org.securemail.common.access;

import static org.securemail.common.topics.Topics.DELIVERY_CONTROL;
import static org.securemail.common.topics.Topics.DELIVERY_EVENTS;
import static org.securemail.common.topics.Topics.DELIVERY_PARK;
import static org.securemail.common.topics.Topics.DELIVERY_RETRY_TIERS;
import static org.securemail.common.topics.Topics.DELIVERY_STATE;
import static org.securemail.common.topics.Topics.DNS_CACHE;
import static org.securemail.common.topics.Topics.DNS_QUERIES;
import static org.securemail.common.topics.Topics.DNS_QUERIES_REPLIES;
import static org.securemail.common.topics.Topics.INSPECT_PARK;
import static org.securemail.common.topics.Topics.MAIL_ACCEPTED;
import static org.securemail.common.topics.Topics.MAIL_QUARANTINE;
import static org.securemail.common.topics.Topics.MAIL_READY;
import static org.securemail.common.topics.Topics.OPERATOR_ACTIONS;
import static org.securemail.common.topics.Topics.PROVISIONING_DOMAINS;
import static org.securemail.common.topics.Topics.PROVISIONING_DOMAIN_VERIFICATIONS;
import static org.securemail.common.topics.Topics.PROVISIONING_RECIPIENTS;
import static org.securemail.common.topics.Topics.PROVISIONING_SUPPRESSIONS;
import static org.securemail.common.topics.Topics.PROVISIONING_USERS;
import static org.securemail.common.topics.Topics.WEBHOOKS_DELIVERIES;
import static org.securemail.common.topics.Topics.WEBHOOKS_RETRY_TIERS;
import static org.securemail.common.topics.Topics.deliveryRetry;
import static org.securemail.common.topics.Topics.deadLetterSource;
import static org.securemail.common.topics.Topics.deadLetterTopics;
import static org.securemail.common.topics.Topics.dlq;
import static org.securemail.common.topics.Topics.webhooksRetry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Who may use which topic and group on Kafka: one {@link ServiceAccess} per service, the one source of truth for the
 * Strimzi {@code KafkaUser}s (deploy/k8s/base/kafka-users.yaml), the secured local stack's users and ACLs, and the
 * secured system test. Each service's channels and hand-built clients are checked against it
 * ({@code KafkaAccessCoverageTest}), so a new topic or group in a service cannot be forgotten here. ADR 0081.
 *
 * <p>What the ACLs keep apart: only the provisioning API writes {@code provisioning.*} (an open relay or a login
 * otherwise), only the DNS service writes {@code dns.cache} and {@code dns.queries-replies} (hijacked MX answers
 * otherwise), only ingest writes {@code mail.accepted} (and the API, to replay a dead letter of the inspection stage,
 * ADR 0084); the DNS service reads no mail at all.
 */
public final class KafkaAccess {

    /** The user the local stack and the tests administer the broker with (a super user; never a service). */
    public static final String ADMIN = "admin";

    public static final ServiceAccess INGEST = new ServiceAccess("ingest-service",
            union(Set.of(MAIL_ACCEPTED, INSPECT_PARK, PROVISIONING_DOMAINS, PROVISIONING_USERS, PROVISIONING_RECIPIENTS,
                    PROVISIONING_SUPPRESSIONS), dnsClientReads()),
            union(Set.of(MAIL_ACCEPTED, MAIL_READY, MAIL_QUARANTINE, INSPECT_PARK, dlq(MAIL_ACCEPTED), dlq(INSPECT_PARK)),
                    dnsClientWrites()),
            Set.of("ingest-inspection", "ingest-inspection-park"),
            Set.of(dnsClientGroupPrefix("ingest-service")));

    public static final ServiceAccess DNS = new ServiceAccess("dns-service",
            Set.of(DNS_QUERIES, DNS_CACHE),
            Set.of(DNS_QUERIES_REPLIES, DNS_CACHE, dlq(DNS_QUERIES)),
            Set.of("dns-service"),
            Set.of());

    public static final ServiceAccess DELIVERY = new ServiceAccess("delivery-service",
            union(union(Set.of(MAIL_READY, DELIVERY_PARK, DELIVERY_STATE, DELIVERY_CONTROL, PROVISIONING_DOMAINS),
                    deliveryRetries()),
                    dnsClientReads()),
            union(union(Set.of(MAIL_READY, dlq(MAIL_READY), DELIVERY_PARK, dlq(DELIVERY_PARK), DELIVERY_EVENTS,
                    DELIVERY_STATE), union(deliveryRetries(), deliveryRetries().stream().map(t -> dlq(t)).toList())),
                    dnsClientWrites()),
            union(Set.of("delivery-mail-in", "delivery-park"),
                    IntStream.rangeClosed(1, DELIVERY_RETRY_TIERS).mapToObj(tier -> "delivery-retry-" + tier).toList()),
            Set.of(dnsClientGroupPrefix("delivery-service")));

    /**
     * The API also reads every dead-letter topic and may write a dead letter back onto its source topic (the operators'
     * replay, ADR 0084), and writes the operators' commands to delivery and their audit trail.
     */
    public static final ServiceAccess PROVISIONING = new ServiceAccess("provisioning-api",
            union(union(Set.of(MAIL_ACCEPTED, MAIL_READY, MAIL_QUARANTINE, DELIVERY_EVENTS, WEBHOOKS_DELIVERIES),
                    union(provisioningTopics(), webhookRetries())), union(dnsClientReads(), writtenDeadLetters())),
            union(union(union(Set.of(MAIL_READY, dlq(DELIVERY_EVENTS), WEBHOOKS_DELIVERIES, dlq(WEBHOOKS_DELIVERIES),
                    DELIVERY_CONTROL, OPERATOR_ACTIONS), union(provisioningTopics(), webhookRetries())),
                    dnsClientWrites()), deadLetterSources()),
            union(Set.of("provisioning-tracking-accepted", "provisioning-tracking-inspected",
                    "provisioning-tracking-delivery", "provisioning-quarantine", "provisioning-webhooks"),
                    IntStream.rangeClosed(1, WEBHOOKS_RETRY_TIERS).mapToObj(t -> "provisioning-webhooks-retry-" + t)
                            .toList()),
            Set.of(dnsClientGroupPrefix("provisioning-api")),
            // the console's queue view: the lag of the mail path's groups (their committed offsets and their topics'
            // end offsets), never a record of a topic the API does not read anyway (ADR 0087)
            union(union(INGEST.reads(), DNS.reads()), DELIVERY.reads()),
            union(union(INGEST.groups(), DNS.groups()), DELIVERY.groups()));

    /**
     * KEDA's Kafka scaler (production overlay): the committed offsets of the groups it scales on and the end offsets of
     * their input topics, never a record (ADR 0081, ADR 0083).
     */
    public static final ServiceAccess KEDA = new ServiceAccess("keda", Set.of(), Set.of(), Set.of(), Set.of(),
            Set.of(MAIL_READY, DNS_QUERIES), Set.of("delivery-mail-in", "dns-service"));

    private KafkaAccess() {
    }

    /** Every service's access, in start order of the local stack. */
    public static List<ServiceAccess> all() {
        return List.of(PROVISIONING, DNS, INGEST, DELIVERY);
    }

    /** Every Kafka user of the cluster: the services and the autoscaler (the Strimzi {@code KafkaUser}s). */
    public static List<ServiceAccess> users() {
        return List.of(PROVISIONING, DNS, INGEST, DELIVERY, KEDA);
    }

    public static Optional<ServiceAccess> of(String principal) {
        return all().stream().filter(a -> a.principal().equals(principal)).findFirst();
    }

    /**
     * The group id prefix of a service's dns-client channels: each instance reads the replies and the shared cache in
     * a group of its own, {@code <quarkus.application.name>-dns-replies-<uuid>} and {@code -dns-cache-<uuid>}
     * (dns-client-defaults.properties).
     */
    public static String dnsClientGroupPrefix(String applicationName) {
        return applicationName + "-dns-";
    }

    /** What a service with the dns-client reads: the replies to its lookups and the shared cache. */
    private static Set<String> dnsClientReads() {
        return Set.of(DNS_QUERIES_REPLIES, DNS_CACHE);
    }

    /** What a service with the dns-client writes: its lookups. */
    private static Set<String> dnsClientWrites() {
        return Set.of(DNS_QUERIES);
    }

    /**
     * The dead-letter topics some channel writes (the catalogue has one for every consumed topic, and a few are never
     * written): what the operators list and replay through the API (ADR 0084). The API's own are written by it.
     */
    private static List<String> writtenDeadLetters() {
        Set<String> own = Set.of(dlq(DELIVERY_EVENTS), dlq(WEBHOOKS_DELIVERIES));
        return deadLetterTopics().stream().filter(t -> own.contains(t) || INGEST.mayWrite(t) || DNS.mayWrite(t)
                || DELIVERY.mayWrite(t)).toList();
    }

    /** The topics whose dead letters an operator may replay (ADR 0084). */
    private static List<String> deadLetterSources() {
        return writtenDeadLetters().stream().map(t -> deadLetterSource(t).orElseThrow()).toList();
    }

    private static List<String> deliveryRetries() {
        return IntStream.rangeClosed(1, DELIVERY_RETRY_TIERS).mapToObj(tier -> deliveryRetry(tier)).toList();
    }

    private static List<String> webhookRetries() {
        return IntStream.rangeClosed(1, WEBHOOKS_RETRY_TIERS).mapToObj(tier -> webhooksRetry(tier)).toList();
    }

    /** The compacted tables and the verification log: written by the API's outbox, read back by its recovery. */
    private static Set<String> provisioningTopics() {
        return Set.of(PROVISIONING_DOMAINS, PROVISIONING_USERS, PROVISIONING_RECIPIENTS, PROVISIONING_SUPPRESSIONS,
                PROVISIONING_DOMAIN_VERIFICATIONS);
    }

    private static Set<String> union(java.util.Collection<String> a, java.util.Collection<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
