package org.securemail.delivery.messaging;

/** Channel names of the delivery service; application.properties maps them to topics. */
public final class Channels {

    /** New mail: {@code mail.ready} by default (see {@code delivery.input}). */
    public static final String MAIL_IN = "mail-in";
    /** Retry tier consumers: {@code retry-1} .. {@code retry-5} read {@code delivery.retry.1} .. {@code .5}. */
    public static final String RETRY_1 = "retry-1";
    public static final String RETRY_2 = "retry-2";
    public static final String RETRY_3 = "retry-3";
    public static final String RETRY_4 = "retry-4";
    public static final String RETRY_5 = "retry-5";
    /** Parked work (destination queue full), {@code delivery.park}. */
    public static final String PARK = "park";
    /** Deferred work, to a retry tier topic chosen per record. */
    public static final String RETRY_OUT = "retry-out";
    /** DSN bounces, to the input topic (the normal queue). */
    public static final String BOUNCE_OUT = "bounce-out";
    /** {@code DeliveryEvent}s to {@code delivery.events}. */
    public static final String EVENTS_OUT = "events-out";
    /** Final recipient state to the compacted {@code delivery.state}. */
    public static final String STATE_OUT = "state-out";

    private Channels() {
    }
}
