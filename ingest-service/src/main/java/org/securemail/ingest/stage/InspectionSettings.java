package org.securemail.ingest.stage;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The inspection stage between {@code mail.accepted} and {@code mail.ready}; keys are {@code ingest.inspection.*}
 * (env {@code INGEST_INSPECTION_*}). See docs/inspection.md.
 */
@ConfigMapping(prefix = "ingest.inspection")
public interface InspectionSettings {

    /** Whether this replica runs the stage (its consumers join the {@code ingest-inspection} group). */
    @WithDefault("true")
    boolean enabled();

    /**
     * The authserv-id of the Authentication-Results header this platform writes (RFC 8601 §2.5); header fields that
     * already carry it are forgeries and are removed. Empty: {@code ingest.hostname}.
     */
    Optional<String> authservId();

    /** Messages inspected at once by this replica; the consumer waits (without a thread) for a free slot. */
    @WithDefault("256")
    int maxInFlight();

    /**
     * Bytes of mail inspected at once by this replica, counting three copies of each message (as read, without forged
     * fields, with our header): the memory bound, since a message may be 25 MiB. One larger message still goes, alone.
     */
    @WithDefault("100663296")
    long maxInFlightBytes();

    /** Deadline of one DNS lookup of a check. */
    @WithDefault("3s")
    Duration lookupDeadline();

    /** The longest one pass over a message's checks may take; a check still running then counts as temperror. */
    @WithDefault("15s")
    Duration checkDeadline();

    /** How long a message whose checks met a DNS failure stays parked before it is inspected again. */
    @WithDefault("30s")
    Duration parkDelay();

    /**
     * The longest a message waits for DNS answers, from its first inspection: then it goes on with {@code temperror}
     * recorded and no policy applied to the checks that could not finish (fail open, ADR 0071).
     */
    @WithDefault("30m")
    Duration maxWait();

    /**
     * The Kafka settings both stage consumers share ({@code ingest.inspection.consumers.*}), handed to the connector
     * as the map their {@code kafka-configuration} attribute names ({@link StageConsumerSettings}).
     */
    Map<String, String> consumers();

    /**
     * How long the end of DATA may spend on the checks for a refusal in the session, on cached DNS answers only (never
     * a lookup); 0 turns it off. Past it the message is queued and the stage decides.
     */
    @WithDefault("250ms")
    Duration sessionBudget();

    /**
     * Inbound mail whose checks all have final results on cached answers, and which every recipient domain takes, is
     * stamped in the session and stored straight on {@code mail.ready}, sparing the stage a second inspection and
     * the message a second write (ADR 0077). Off where a content scanner is configured (only the stage asks it).
     */
    @WithDefault("true")
    boolean sessionVerdict();

    /** Larger messages always go through the stage (the stamped copy is not in the session's memory budget). */
    @WithDefault("1048576")
    long sessionVerdictMaxBytes();

    /** Content scanning through rspamd; off unless an endpoint is given. */
    Rspamd rspamd();

    interface Rspamd {

        /** rspamd's normal worker, e.g. {@code http://127.0.0.1:11333}; empty: no content scanning. */
        Optional<URI> url();

        /** Deadline of one scan; a scan that takes longer is a temporary failure. */
        @WithDefault("10s")
        Duration timeout();

        /** Messages larger than this are not scanned (recorded as skipped). */
        @WithDefault("10485760")
        long maxMessageBytes();
    }
}
