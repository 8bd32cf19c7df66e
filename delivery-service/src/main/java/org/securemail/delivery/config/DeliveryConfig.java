package org.securemail.delivery.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.securemail.common.net.NetworkPolicy;
import org.securemail.common.net.NetworkSettings;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every tunable of the delivery service. Environment variables map as usual ({@code DELIVERY_NEXT_HOP_PORT}...). */
@ConfigMapping(prefix = "delivery")
public interface DeliveryConfig {

    /**
     * The topic read for new mail: {@code mail.ready}, what ingest's inspection stage publishes. A deployment that
     * runs without the stage ({@code ingest.inspection.enabled=false}) reads {@code mail.accepted} instead.
     */
    @WithDefault("mail.ready")
    String input();

    /** Where DSN bounces are queued (a bounce goes through the normal queue). Defaults to the input topic. */
    Optional<String> bounceTopic();

    /** TCP port used for MX-derived next hops and for provisioned hops with port 0. Tests and benchmarks override it. */
    @WithDefault("25")
    int nextHopPort();

    Smtp smtp();

    Scheduler scheduler();

    Retry retry();

    Dns dns();

    Network network();

    Shutdown shutdown();

    /** Name of this MTA in EHLO, DSN Reporting-MTA and the bounce's From. Defaults to the local host name. */
    Optional<String> hostname();

    /**
     * Kafka and connector attributes shared by the seven mail consumers (mail-in, retry-1..5, park), keyed by
     * attribute ({@code commit-strategy}, {@code max.partition.fetch.bytes}...); see
     * {@link org.securemail.delivery.messaging.MailConsumerSettings}.
     */
    Map<String, String> mailConsumers();

    interface Smtp {
        /** Postfix smtp_connect_timeout. */
        @WithDefault("30s")
        Duration connectTimeout();

        /** Postfix smtp_helo_timeout (greeting and EHLO/HELO). */
        @WithDefault("300s")
        Duration greetingTimeout();

        /** Postfix smtp_mail_timeout / smtp_rcpt_timeout (also RSET, STARTTLS and QUIT). */
        @WithDefault("300s")
        Duration commandTimeout();

        /** Postfix smtp_data_init_timeout (the 354 reply). */
        @WithDefault("120s")
        Duration dataInitTimeout();

        /** Postfix smtp_data_done_timeout (the reply after the final dot). */
        @WithDefault("600s")
        Duration dataDoneTimeout();

        /**
         * How long an idle connection is kept for reuse (Postfix smtp_connection_cache_time_limit, 2 s there too). An
         * idle session holds one of the receiver's connection slots; kept longer, a burst to many destinations of one
         * receiver waits behind its own idle sessions (ADR 0093).
         */
        @WithDefault("2s")
        Duration connectionIdleTime();

        /** Transactions per connection before it is closed (Postfix smtp_connection_reuse_count_limit). */
        @WithDefault("100")
        int connectionReuseLimit();

        /** Addresses tried per attempt across all MX hosts (Postfix smtp_mx_address_limit). */
        @WithDefault("5")
        int maxAddresses();

        /** PEM file of CA certificates trusted for REQUIRED TLS; the JDK trust store when absent. */
        Optional<String> trustPem();

        /**
         * The names this suite's MX listeners give in their EHLO reply ({@code ingest.hostname}, default
         * {@code localhost}). A next hop that answers EHLO or HELO with one of them is the suite itself: the mail
         * bounces with {@code 554 5.4.6 ... loops back to myself} instead of going round (Postfix's check).
         */
        @WithDefault("localhost")
        List<String> ownNames();
    }

    /**
     * Where delivery may connect on a tenant's or a DNS answer's behalf ({@link NetworkPolicy}, issue 12). Internal
     * networks are refused unless listed; tenants' next-hop ports must be SMTP ports unless listed.
     */
    interface Network extends NetworkSettings {
        @Override
        @WithDefault(NetworkPolicy.SMTP_PORTS)
        String allowedPorts();
    }

    interface Scheduler {
        /** Concurrent SMTP sessions per destination domain (Postfix default_destination_concurrency_limit). */
        @WithDefault("20")
        int destinationConcurrency();

        /**
         * Recipient groups waiting for a session slot per destination; beyond it they are parked on
         * {@code delivery.park} for {@link #parkDelay()} (not counted as an attempt).
         */
        @WithDefault("1000")
        int destinationQueueLimit();

        /**
         * How long a recipient group may wait for a session slot before it is parked: a destination that stops
         * making progress gives its share of {@link #maxInFlightMessages()} back within this time.
         */
        @WithDefault("15s")
        Duration queueWait();

        /** How long parked work waits before it is tried again. */
        @WithDefault("30s")
        Duration parkDelay();

        /** Messages in progress in this replica (admitted from Kafka, not yet finished). */
        @WithDefault("1000")
        int maxInFlightMessages();

        /** Consecutive connection failures after which a destination is suspended. */
        @WithDefault("5")
        int deadAfterFailures();

        /** First suspension of a dead destination; doubled after each failed probe. */
        @WithDefault("60s")
        Duration suspendInitial();

        @WithDefault("10m")
        Duration suspendMax();
    }

    interface Retry {
        /**
         * Delay before attempt n+1 after attempt n failed temporarily; the last value repeats. Entry i uses retry
         * tier topic i+1, so keep at most as many entries as there are tiers (5).
         */
        @WithDefault("5m,10m,20m,40m,60m")
        List<Duration> delays();

        /** Maximum time a message stays queued before it is bounced (Postfix maximal_queue_lifetime). */
        @WithDefault("5d")
        Duration lifetime();

        /** After this time in the queue the sender gets one "delayed" DSN (RFC 3464 Action: delayed); 0 = never. */
        @WithDefault("4h")
        Duration delayWarning();
    }

    interface Dns {
        /** How long a route lookup may wait for the DNS service before the recipients are deferred. */
        @WithDefault("10s")
        Duration deadline();

        /** Also look up AAAA records of next hops. */
        @WithDefault("true")
        boolean ipv6();
    }

    interface Shutdown {
        /**
         * On SIGTERM, how long deliveries already in progress may take to finish before the service stops anyway.
         * New work is not started once the shutdown begins; a delivery still running at the end of this time is
         * abandoned with its record unacknowledged, so the next owner of the partition delivers it again.
         */
        @WithDefault("5s")
        Duration drainTimeout();
    }
}
