package org.securemail.provisioning.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.securemail.common.net.NetworkPolicy;
import org.securemail.common.net.NetworkSettings;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Typed settings of the provisioning API ({@code provisioning.*}, env {@code PROVISIONING_*}). */
@ConfigMapping(prefix = "provisioning")
public interface ProvisioningConfig {

    /**
     * The first operator key ({@code PROVISIONING_BOOTSTRAP_OPERATOR_KEY}). It is never stored; requests carrying it
     * act as an operator. Use it to create real operator keys, then remove it from the environment.
     */
    Optional<String> bootstrapOperatorKey();

    RateLimit rateLimit();

    /**
     * Requests per API key (issue 12): a token bucket per key and replica; past it {@code 429} with
     * {@code Retry-After}. With n replicas behind a load balancer a key gets up to n times the rate. Operator keys
     * (the bootstrap key too) have their own, higher, limit: they provision for many tenants.
     */
    interface RateLimit {
        /** Sustained requests per second per tenant key. */
        @WithDefault("50")
        double perSecond();

        /** Requests a tenant key may send at once before the sustained rate applies. */
        @WithDefault("100")
        int burst();

        /** Sustained requests per second per operator key. */
        @WithDefault("500")
        double operatorPerSecond();

        @WithDefault("1000")
        int operatorBurst();
    }

    /** bcrypt cost of SMTP user passwords (2^cost rounds). */
    @WithDefault("10")
    int bcryptCost();

    /** Largest page a list endpoint returns. */
    @WithDefault("200")
    int maxPageSize();

    /** Page size when the client gives no {@code limit}. */
    @WithDefault("50")
    int defaultPageSize();

    Outbox outbox();

    Verification verification();

    Network network();

    Quarantine quarantine();

    Suppression suppression();

    Webhooks webhooks();

    Console console();

    /** The operator console ({@code docs/console.md}, ADR 0087). */
    interface Console {

        /**
         * The DNS services' HTTP base URLs ({@code http://dns-service:8082}, one per replica, comma-separated); the
         * console's DNS view asks each for {@code /dns/upstreams}, {@code /dns/zones} and {@code /dns/counters}.
         * Empty: the view says no DNS service is configured.
         */
        Optional<List<String>> dnsUrls();

        /** How long a console sign-in lasts (the session cookie's lifetime; revoking the key ends it sooner). */
        @WithDefault("8h")
        Duration sessionLifetime();

        /**
         * Base64 of at least 32 bytes: the key that signs console session cookies. Every replica behind one address
         * needs the same key; without it each replica draws its own at start (sign-ins then last until a restart and
         * work only on the replica that issued them).
         */
        Optional<String> sessionKey();

        /** How often the console's pages poll their views. */
        @WithDefault("2s")
        Duration refresh();

        /** Longest wait for the DNS services and for Kafka when a view is asked for. */
        @WithDefault("3s")
        Duration timeout();
    }

    /** Webhooks per tenant ({@code docs/provisioning-api.md}, "Webhooks"; ADR 0078). */
    interface Webhooks {

        /** Endpoints one tenant may have. */
        @WithDefault("10")
        int maxPerTenant();

        /**
         * Whether {@code http:} endpoints are allowed beside {@code https:}. Off in production: an event carries mail
         * metadata and its signature does not hide it. The tests turn it on for their loopback receiver.
         */
        @WithDefault("false")
        boolean allowHttp();

        /**
         * Where an endpoint may point: the next hops' rule (ADR 0059), checked on the URL when it is given and on every
         * address its host resolves to before each send. Ports: HTTPS ports unless an operator lists more.
         */
        WebhookNetwork network();

        interface WebhookNetwork extends NetworkSettings {
            @Override
            @WithDefault("443,8443")
            String allowedPorts();
        }

        /** Longest wait for the TCP (and TLS) connection to an endpoint. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** Longest one attempt may take, from the DNS lookup to the response's status line. */
        @WithDefault("10s")
        Duration timeout();

        /** Longest the lookup of an endpoint's host (through the DNS service) may take. */
        @WithDefault("5s")
        Duration dnsDeadline();

        /**
         * Delay before attempt n+1 after attempt n failed, one per retry tier ({@code webhooks.retry.1..5}); the last
         * repeats until the endpoint answers or is disabled.
         */
        @WithDefault("10s,1m,5m,30m,2h")
        List<Duration> retryDelays();

        /** An endpoint whose attempts have all failed for this long (since its last success) is disabled. */
        @WithDefault("24h")
        Duration disableAfter();

        /** Sends in progress at once in this replica. */
        @WithDefault("32")
        int maxInFlight();

        /**
         * Sends in progress at once to one endpoint in this replica; a delivery beyond it waits on the first retry tier
         * (not counted as an attempt), so a slow endpoint cannot take every slot.
         */
        @WithDefault("4")
        int maxInFlightPerEndpoint();

        /**
         * Base64 of 32 bytes: the key that seals endpoint secrets in the database (AES-256-GCM). Without it secrets are
         * stored as they are (a warning at start); with it, both forms are read.
         */
        Optional<String> secretKey();

        /**
         * PEM files of the certificates (or CAs) webhook endpoints are trusted with, instead of the JDK's trust store:
         * for an operator whose tenants' endpoints use a private CA, and for the tests' TLS receiver.
         */
        Optional<List<String>> trustCertificates();

        /** After a secret is rotated, events carry a signature with the old one too for this long. */
        @WithDefault("24h")
        Duration rotationOverlap();
    }

    /** Suppression lists ({@code docs/provisioning-api.md}, "Suppression lists"; ADR 0075). */
    interface Suppression {

        /**
         * Most addresses on one tenant's list. An add past it is refused with 409; a hard bounce past it is counted
         * ({@code provisioning.suppressions.full}) and not added. Every entry is held in memory by each ingest replica.
         */
        @WithDefault("10000")
        int maxPerTenant();
    }

    /** Releases from quarantine ({@code docs/provisioning-api.md}, "Quarantine"; ADR 0073). */
    interface Quarantine {

        /**
         * A row still {@code RELEASING} this long after its release was claimed (the API crashed, or the write's
         * outcome was unknown) is written to {@code mail.ready} again by the sweeper. At least
         * {@code QuarantinedRecords.LONGEST_ATTEMPT} (2 minutes), so that the sweeper never takes over a release
         * still running; the API does not start with less.
         */
        @WithDefault("5m")
        Duration releaseRetryAfter();

        /** How often the sweeper looks for such rows: a duration, or {@code off} (tests run it by hand). */
        @WithDefault("1m")
        String sweepInterval();

        /** Most rows one sweep writes again (one after the other, each claimed just before it is written). */
        @WithDefault("20")
        int sweepBatchSize();
    }

    /**
     * Which next hops a tenant may give (issue 12): IP literals in internal networks are refused unless listed, and
     * ports must be SMTP ports unless listed. Delivery applies the same rules to what names resolve to.
     */
    interface Network extends NetworkSettings {
        @Override
        @WithDefault(NetworkPolicy.SMTP_PORTS)
        String allowedPorts();
    }

    /** Domain verification ({@code docs/provisioning-api.md}, "Domain verification"). */
    interface Verification {

        /** How often due checks are looked for (also the {@code @Scheduled} period of the verifier). */
        @WithDefault("10s")
        Duration pollInterval();

        /** Most claims one poll checks. */
        @WithDefault("50")
        int batchSize();

        /** How long one DNS check may take; the DNS service answers by then or the check counts as temporary. */
        @WithDefault("10s")
        Duration dnsDeadline();

        /** Delay after the first check that did not verify; doubles after each until {@link #maxRetry()}. */
        @WithDefault("1m")
        Duration firstRetry();

        @WithDefault("1h")
        Duration maxRetry();

        /** A claim not verified this long after it was opened expires (a tenant can ask for a new check). */
        @WithDefault("7d")
        Duration window();

        /** Unverified claims a tenant may hold at once (each one costs DNS checks). */
        @WithDefault("50")
        int maxPendingPerTenant();
    }

    interface Outbox {

        /** Start the relay at boot. Tests may start it by hand. */
        @WithDefault("true")
        boolean enabled();

        /** How often the relay looks for events when it was not woken by a commit. */
        @WithDefault("500ms")
        Duration pollInterval();

        /** Events published per transaction. */
        @WithDefault("200")
        int batchSize();

        /** Pause after a failed publish before the relay tries again. */
        @WithDefault("2s")
        Duration retryBackoff();

        /** Producer {@code delivery.timeout.ms}: how long one publish may take before it counts as failed. */
        @WithDefault("30s")
        Duration deliveryTimeout();
    }
}
