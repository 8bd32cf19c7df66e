package org.securemail.ingest.inspect.dmarc;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The random source of {@code pct} sampling (RFC 7489 §6.6.4): a failing message is in the sample when
 * {@link #percentile()} is below {@code pct}. Injected so that tests decide which side a message falls on.
 */
@FunctionalInterface
public interface PctSampler {

    /** A value in {@code [0, 100)}, uniformly distributed in production. */
    int percentile();

    static PctSampler random() {
        return () -> ThreadLocalRandom.current().nextInt(100);
    }
}
