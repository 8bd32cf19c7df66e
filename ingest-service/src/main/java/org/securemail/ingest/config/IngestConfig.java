package org.securemail.ingest.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Every setting of the SMTP ingress. Keys are {@code ingest.*}; see docs/ingest-service.md for the env vars. */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /** Host name used in the greeting, the EHLO reply and the Received header. */
    @WithDefault("localhost")
    String hostname();

    /** The MX listener (inbound relay for provisioned domains). */
    Listener mx();

    /** The submission listener (authenticated customers, AUTH after STARTTLS). */
    Listener submission();

    Limits limits();

    Tls tls();

    Accept accept();

    Provisioning provisioning();

    /** Number of event-loop instances of each listener; 0 means one per CPU. */
    @WithDefault("0")
    int instances();

    interface Listener {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("0.0.0.0")
        String host();

        int port();
    }

    interface Limits {
        /** Maximum message size in bytes (SIZE advertised, DATA/BDAT enforced). Default 25 MiB. */
        @WithDefault("26214400")
        long maxMessageSize();

        @WithDefault("100")
        int maxRecipients();

        /** Maximum command line length including CRLF (RFC 5321 §4.5.3.1.4). */
        @WithDefault("512")
        int maxCommandLine();

        /**
         * {@code Received} headers a message may already carry (Postfix {@code hopcount_limit}); past it the message
         * is refused with {@code 554 5.4.6}, so a mail loop ends instead of going round for ever.
         */
        @WithDefault("50")
        int maxHops();

        /** Maximum text line length in DATA, excluding CRLF (RFC 5322 §2.1.1). */
        @WithDefault("998")
        int maxTextLine();

        /** Idle / command timeout, then 421 4.4.2. */
        @WithDefault("300s")
        Duration idleTimeout();

        /** Connections over both listeners. */
        @WithDefault("1000")
        int maxConnections();

        /**
         * Connections to the MX listener; with {@link #submissionMaxConnections()} at most {@link #maxConnections()},
         * a flood on one listener cannot take the other's slots.
         */
        @WithDefault("800")
        int mxMaxConnections();

        /** Connections to the submission listener. */
        @WithDefault("200")
        int submissionMaxConnections();

        @WithDefault("50")
        int maxConnectionsPerIp();

        /**
         * Client networks (CIDR, IPv4 and IPv6, e.g. {@code 127.0.0.0/8,::1/128}; at most 256) exempt from
         * {@link #maxConnectionsPerIp()}, like Postfix's {@code mynetworks}; their connections still count against
         * the total and the listener's cap. None by default; a bad entry stops the start.
         */
        Optional<List<String>> trustedNetworks();

        /**
         * Kernel send buffer of each connection (SO_SNDBUF): with the output back-pressure it bounds what a client that
         * does not read its replies holds, in the kernel, beside the session's own bounded write queue.
         */
        @WithDefault("65536")
        int socketSendBuffer();

        /**
         * How long a session's output may stay blocked (the client takes none of its replies, so the session stops
         * reading it) before the session ends; a paused socket does not notice its client's close, so without this
         * bound a vanished non-reader would hold its slot until the idle timeout. No well-behaved client leaves
         * tens of kilobytes of replies unread for a minute.
         */
        @WithDefault("60s")
        Duration outputBlockedTimeout();

        /**
         * Total lifetime of a session however busy it is (one byte at a time resets the idle timer); then
         * {@code 421 4.4.2}. A message waiting for the broker gets its reply first.
         */
        @WithDefault("10m")
        Duration sessionLifetime();

        /**
         * Minimum data rate of DATA and BDAT in bytes per second (Postfix {@code smtpd_min_data_rate}): every byte
         * received extends the message's deadline by {@code 1 / rate} seconds; past the deadline {@code 421 4.4.2}.
         * 0 turns the check off.
         */
        @WithDefault("500")
        long minDataRate();

        /** Time a message starts with before its deadline, before any data earned more. */
        @WithDefault("30s")
        Duration minDataRateGrace();

        /**
         * Message bytes all sessions together may hold in memory until the broker acknowledges; past it new data
         * gets 452 4.3.1. 0 means half of the maximum heap.
         */
        @WithDefault("0")
        long maxBufferedBytes();

        /** Failed AUTH attempts from one client address within {@link #authLockout()}; then 454 4.7.0. */
        @WithDefault("10")
        int maxAuthFailuresPerClient();

        /** Failed AUTH attempts for one user name, from anywhere, within {@link #authLockout()}; then 454 4.7.0. */
        @WithDefault("5")
        int maxAuthFailuresPerUser();

        /** How long the failures count, and so how long a lockout lasts at most. */
        @WithDefault("15m")
        Duration authLockout();

        /** Delay before a 535 reply to a failed AUTH (slows down password guessing; no thread is held). */
        @WithDefault("1s")
        Duration authFailureDelay();

        /** Error replies tolerated per session before 421 and disconnect (Postfix smtpd_hard_error_limit). */
        @WithDefault("20")
        int maxErrors();
    }

    interface Tls {
        /** PEM certificate chain; when absent (with key-path), a self-signed certificate is generated. */
        Optional<String> certPath();

        /** PEM private key. */
        Optional<String> keyPath();

        /** Offer STARTTLS at all. */
        @WithDefault("true")
        boolean enabled();
    }

    interface Accept {
        /** Reply 451 4.3.0 when Kafka has not acknowledged within this time after end of DATA. */
        @WithDefault("10s")
        Duration deadline();

        @WithDefault("mail.accepted")
        String topic();

        /** Where a message inspected in the session goes (ADR 0077): the inspection stage's output. */
        @WithDefault("mail.ready")
        String inspectedTopic();

        /**
         * Broker address of the mail producer alone, for a separate mail cluster (and the broker-outage test);
         * defaults to {@code kafka.bootstrap.servers}. Every other connection setting comes from {@code kafka.*}.
         */
        @WithName("bootstrap-servers")
        Optional<String> bootstrapServers();

        /** Producer linger.ms: a little batching under load. */
        @WithDefault("1")
        int lingerMs();

        /** Producer buffer.memory in bytes; at least two maximum-size records (54 MiB) are enforced. */
        @WithDefault("67108864")
        long bufferMemory();
    }

    interface Provisioning {
        /** Poll timeout of the provisioning reader. */
        @WithDefault("500ms")
        Duration pollTimeout();

        /**
         * Most suppressed addresses held in memory, over all tenants (about 150 bytes each; ADR 0075). Entries past it
         * are counted ({@code ingest.suppressions.dropped}) and not held: submissions to them are accepted (and
         * bounce again).
         */
        @WithDefault("200000")
        int maxSuppressions();
    }
}
