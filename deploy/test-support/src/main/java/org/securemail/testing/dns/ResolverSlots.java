package org.securemail.testing.dns;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The recursive-resolver model of a {@link TestDnsServer}: a limited number of slots, each held by a query while it is
 * worked on; a query for a dead zone holds its slot for the whole hold time and then gives up (SERVFAIL, or nothing).
 * Unlimited until {@link TestDnsServer#slots(int, Duration)} is called.
 */
final class ResolverSlots {

    private volatile int limit = Integer.MAX_VALUE;
    private volatile Duration deadHold = Duration.ofSeconds(10);
    private volatile boolean giveUpSilently;
    private final AtomicInteger used = new AtomicInteger();
    private final AtomicInteger maxUsed = new AtomicInteger();
    private final AtomicInteger droppedNoSlot = new AtomicInteger();

    void limit(int slots, Duration hold) {
        this.limit = slots;
        this.deadHold = hold;
    }

    void giveUpSilently(boolean silently) {
        this.giveUpSilently = silently;
    }

    /** Takes a slot, or counts the query as dropped when none is free. */
    boolean acquire() {
        while (true) {
            int now = used.get();
            if (now >= limit) {
                droppedNoSlot.incrementAndGet();
                return false;
            }
            if (used.compareAndSet(now, now + 1)) {
                maxUsed.accumulateAndGet(now + 1, Math::max);
                return true;
            }
        }
    }

    void release() {
        used.decrementAndGet();
    }

    /** How long a dead zone's query holds its slot. */
    Duration deadHold() {
        return deadHold;
    }

    /** True: a dead zone's query gets no answer when its hold ends; false: SERVFAIL. */
    boolean givesUpSilently() {
        return giveUpSilently;
    }

    int limit() {
        return limit;
    }

    int used() {
        return used.get();
    }

    int maxUsed() {
        return maxUsed.get();
    }

    int droppedNoSlot() {
        return droppedNoSlot.get();
    }
}
