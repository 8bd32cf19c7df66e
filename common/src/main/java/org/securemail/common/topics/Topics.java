package org.securemail.common.topics;

import java.util.ArrayList;
import java.util.List;

/**
 * Every topic of the platform, its key and its settings. README's topic table mirrors this class.
 *
 * <p>Mail topics are keyed by queue id; {@code dns.queries} is keyed by zone so one replica owns a
 * zone's limits and merging; the provisioning topics are compacted and keyed by the natural key.
 */
public final class Topics {

    /** 25 MiB of message plus headroom for the envelope header and record overhead. */
    public static final int MAIL_MAX_MESSAGE_BYTES = 27 * 1024 * 1024;
    private static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
    private static final long SEVEN_DAYS_MS = 7L * 24 * 3600 * 1000;
    private static final long ONE_DAY_MS = 24L * 3600 * 1000;
    private static final long FOREVER = -1L;
    /** delivery.state: the default delivery lifetime (5 d) plus the day the delivery service keeps loading. */
    private static final long DELIVERY_STATE_RETENTION_MS = 6L * 24 * 3600 * 1000;

    /** Accepted mail: value = raw RFC 5322 bytes, header {@code sm-envelope} = JSON {@code MailEnvelope}. Key: queue id. */
    public static final String MAIL_ACCEPTED = "mail.accepted";
    /** Mail that passed inspection, same format as {@link #MAIL_ACCEPTED}. Key: queue id. */
    public static final String MAIL_READY = "mail.ready";
    /**
     * Inbound mail held by a recipient domain's policy (quarantine, or reject after the 250), same format as
     * {@link #MAIL_READY} plus the {@code sm-verdict} header. Key: queue id.
     */
    public static final String MAIL_QUARANTINE = "mail.quarantine";
    /**
     * The inspection stage's parking lot: inbound mail whose checks met a DNS failure, inspected again when its
     * {@code sm-inspect} header says it is due. Same format as {@link #MAIL_ACCEPTED}. Key: queue id.
     */
    public static final String INSPECT_PARK = "inspect.park";
    /** One {@code DeliveryEvent} per recipient attempt. Key: queue id. */
    public static final String DELIVERY_EVENTS = "delivery.events";
    /** DNS lookups for the DNS service. Key: zone (registrable domain). Value: JSON {@code DnsQuery}. */
    public static final String DNS_QUERIES = "dns.queries";
    /** Replies to {@link #DNS_QUERIES} (SmallRye request/reply convention: {@code <topic>-replies}). */
    public static final String DNS_QUERIES_REPLIES = DNS_QUERIES + "-replies";
    /** The durable shared DNS cache. Key: {@code type/name}. Value: JSON {@code DnsCacheEntry}; tombstone on eviction. */
    public static final String DNS_CACHE = "dns.cache";
    /** Provisioned domains. Key: domain (A-label, lower case). Value: JSON {@code DomainRecord}; tombstone on delete. */
    public static final String PROVISIONING_DOMAINS = "provisioning.domains";
    /** SMTP submission users. Key: username. Value: JSON {@code SmtpUserRecord}; tombstone on delete. */
    public static final String PROVISIONING_USERS = "provisioning.users";
    /** Recipient lists. Key: {@code local@domain}. Value: JSON {@code RecipientRecord}; tombstone on delete. */
    public static final String PROVISIONING_RECIPIENTS = "provisioning.recipients";
    /**
     * Suppression lists (issue 16): addresses a tenant's submissions may not be sent to. Key:
     * {@code tenantId/address} ({@code SuppressionRecord.key}). Value: JSON {@code SuppressionRecord}; tombstone on
     * removal.
     */
    public static final String PROVISIONING_SUPPRESSIONS = "provisioning.suppressions";

    /** Domain verification steps (checks and state changes). Key: domain (A-label). Value: JSON {@code DomainVerificationEvent}. */
    public static final String PROVISIONING_DOMAIN_VERIFICATIONS = "provisioning.domain-verifications";
    private static final long THIRTY_DAYS_MS = 30L * 24 * 3600 * 1000;

    /** Delivery's persistent deferral tiers: {@code delivery.retry.1} .. {@code .5}. Same format as mail.ready plus the {@code sm-delivery} header. Key: queue id. */
    public static final String DELIVERY_RETRY_PREFIX = "delivery.retry.";
    /** Number of delivery retry tiers (the retry schedule's steps; later attempts stay on the last tier). */
    public static final int DELIVERY_RETRY_TIERS = 5;
    /** Delivery's short parking lot: work refused locally for lack of a destination slot, retried soon without counting an attempt. Same format as the retry tiers. */
    public static final String DELIVERY_PARK = "delivery.park";
    /** Per-message final recipient state (delivered/bounced) for idempotence. Key: queue id. Value: JSON {@code RecipientState}. */
    public static final String DELIVERY_STATE = "delivery.state";

    /**
     * Operators' commands to every delivery replica (issue 16, ADR 0084): retry a destination now, hold, release and
     * delete a message. Key: {@code QueueCommand.key} ({@code retry/<domain>}, {@code hold/<queue id>},
     * {@code delete/<queue id>}). Value: JSON {@code QueueCommand}. Compacted and deleted after the delivery lifetime.
     */
    public static final String DELIVERY_CONTROL = "delivery.control";
    /** The audit trail of queue operations (ADR 0084). Key: action id. Value: JSON {@code OperatorAction}. */
    public static final String OPERATOR_ACTIONS = "operator.actions";
    private static final long ONE_YEAR_MS = 365L * 24 * 3600 * 1000;

    /**
     * Webhook deliveries waiting for their first attempt (issue 16): one record per event and endpoint, written by the
     * provisioning API's outbox. Key: endpoint id. Value: JSON {@code WebhookDelivery}.
     */
    public static final String WEBHOOKS_DELIVERIES = "webhooks.deliveries";
    /** Webhook retry tiers {@code webhooks.retry.1} .. {@code .5}, one delay each; same format as {@link #WEBHOOKS_DELIVERIES}. */
    public static final String WEBHOOKS_RETRY_PREFIX = "webhooks.retry.";
    /** Number of webhook retry tiers (the last one repeats its delay until the endpoint succeeds or is disabled). */
    public static final int WEBHOOKS_RETRY_TIERS = 5;

    /** Suffix of each consumer's dead-letter topic. */
    public static final String DLQ_SUFFIX = ".dlq";

    private Topics() {
    }

    /** The topic of delivery retry tier {@code tier} (1-based). */
    public static String deliveryRetry(int tier) {
        return DELIVERY_RETRY_PREFIX + tier;
    }

    /** The topic of webhook retry tier {@code tier} (1-based). */
    public static String webhooksRetry(int tier) {
        return WEBHOOKS_RETRY_PREFIX + tier;
    }

    public static String dlq(String topic) {
        return topic + DLQ_SUFFIX;
    }

    /**
     * The topic whose dead letters {@code topic} holds, when {@code topic} is one of the platform's dead-letter topics
     * ({@link #all()}); empty for anything else. The only place a dead-letter record may be replayed to (ADR 0084).
     */
    public static java.util.Optional<String> deadLetterSource(String topic) {
        if (topic == null || !topic.endsWith(DLQ_SUFFIX)) {
            return java.util.Optional.empty();
        }
        return all().stream().map(TopicSpec::name).filter(topic::equals).findFirst()
                .map(dlq -> dlq.substring(0, dlq.length() - DLQ_SUFFIX.length()));
    }

    /** The platform's dead-letter topics, in {@link #all()} order. */
    public static List<String> deadLetterTopics() {
        return all().stream().map(TopicSpec::name).filter(n -> n.endsWith(DLQ_SUFFIX)).toList();
    }

    /** The topics created by the local stack and by the test broker. */
    public static List<TopicSpec> all() {
        List<TopicSpec> specs = new ArrayList<>(List.of(
                new TopicSpec(MAIL_ACCEPTED, 6, false, MAIL_MAX_MESSAGE_BYTES, SEVEN_DAYS_MS),
                new TopicSpec(MAIL_READY, 6, false, MAIL_MAX_MESSAGE_BYTES, SEVEN_DAYS_MS),
                new TopicSpec(MAIL_QUARANTINE, 6, false, MAIL_MAX_MESSAGE_BYTES, THIRTY_DAYS_MS),
                // a parked message is written again on each pass: keep the copies about as long as the longest wait
                new TopicSpec(INSPECT_PARK, 6, false, MAIL_MAX_MESSAGE_BYTES, ONE_DAY_MS),
                new TopicSpec(DELIVERY_EVENTS, 6, false, DEFAULT_MAX_MESSAGE_BYTES, SEVEN_DAYS_MS),
                new TopicSpec(DNS_QUERIES, 6, false, DEFAULT_MAX_MESSAGE_BYTES, ONE_DAY_MS),
                new TopicSpec(DNS_QUERIES_REPLIES, 6, false, DEFAULT_MAX_MESSAGE_BYTES, ONE_DAY_MS),
                new TopicSpec(DNS_CACHE, 6, true, DEFAULT_MAX_MESSAGE_BYTES, FOREVER),
                new TopicSpec(PROVISIONING_DOMAINS, 3, true, DEFAULT_MAX_MESSAGE_BYTES, FOREVER),
                new TopicSpec(PROVISIONING_USERS, 3, true, DEFAULT_MAX_MESSAGE_BYTES, FOREVER),
                new TopicSpec(PROVISIONING_RECIPIENTS, 3, true, DEFAULT_MAX_MESSAGE_BYTES, FOREVER),
                new TopicSpec(PROVISIONING_SUPPRESSIONS, 3, true, DEFAULT_MAX_MESSAGE_BYTES, FOREVER),
                new TopicSpec(PROVISIONING_DOMAIN_VERIFICATIONS, 3, false, DEFAULT_MAX_MESSAGE_BYTES, THIRTY_DAYS_MS)));
        for (String consumed : List.of(MAIL_ACCEPTED, MAIL_READY, MAIL_QUARANTINE, INSPECT_PARK, DELIVERY_EVENTS,
                DNS_QUERIES)) {
            int max = consumed.startsWith("mail.") ? MAIL_MAX_MESSAGE_BYTES : DEFAULT_MAX_MESSAGE_BYTES;
            specs.add(new TopicSpec(dlq(consumed), 1, false, max, SEVEN_DAYS_MS));
        }
        // compact,delete: the latest state of a message is kept while the message can still be in the queue,
        // then deleted (queue ids are never reused, so a compacted-only table would grow forever)
        specs.add(new TopicSpec(DELIVERY_STATE, 6, true, DEFAULT_MAX_MESSAGE_BYTES, DELIVERY_STATE_RETENTION_MS, true));
        // a command matters while mail it names can still be queued: the delivery lifetime, as delivery.state
        specs.add(new TopicSpec(DELIVERY_CONTROL, 3, true, DEFAULT_MAX_MESSAGE_BYTES, DELIVERY_STATE_RETENTION_MS, true));
        specs.add(new TopicSpec(OPERATOR_ACTIONS, 3, false, DEFAULT_MAX_MESSAGE_BYTES, ONE_YEAR_MS));
        specs.add(new TopicSpec(DELIVERY_PARK, 6, false, MAIL_MAX_MESSAGE_BYTES, SEVEN_DAYS_MS));
        specs.add(new TopicSpec(dlq(DELIVERY_PARK), 1, false, MAIL_MAX_MESSAGE_BYTES, SEVEN_DAYS_MS));
        for (int tier = 1; tier <= DELIVERY_RETRY_TIERS; tier++) {
            specs.add(new TopicSpec(deliveryRetry(tier), 6, false, MAIL_MAX_MESSAGE_BYTES, SEVEN_DAYS_MS));
            specs.add(new TopicSpec(dlq(deliveryRetry(tier)), 1, false, MAIL_MAX_MESSAGE_BYTES, SEVEN_DAYS_MS));
        }
        // webhooks: a delivery waits at most until its endpoint is disabled (24 h of failures by default); the
        // dead-letter topic takes the deliveries given up on (endpoint disabled) and unreadable records of every tier
        specs.add(new TopicSpec(WEBHOOKS_DELIVERIES, 6, false, DEFAULT_MAX_MESSAGE_BYTES, SEVEN_DAYS_MS));
        specs.add(new TopicSpec(dlq(WEBHOOKS_DELIVERIES), 1, false, DEFAULT_MAX_MESSAGE_BYTES, SEVEN_DAYS_MS));
        for (int tier = 1; tier <= WEBHOOKS_RETRY_TIERS; tier++) {
            specs.add(new TopicSpec(webhooksRetry(tier), 6, false, DEFAULT_MAX_MESSAGE_BYTES, SEVEN_DAYS_MS));
        }
        return List.copyOf(specs);
    }
}
