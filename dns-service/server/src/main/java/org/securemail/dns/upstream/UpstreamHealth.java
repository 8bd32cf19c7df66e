package org.securemail.dns.upstream;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One upstream's entry in the infra cache (after Unbound's): smoothed RTT and variance (RFC 6298), a query timeout
 * that doubles with consecutive timeouts, and a state.
 *
 * <p>Consecutive timeouts alone do not prove an upstream dead: a healthy recursive resolver times out on every query
 * for a dead zone. So after {@code suspendAfter} timeouts in a row the upstream is only {@link State#PROBING probed}
 * with a name every resolver answers; only a silent probe suspends it, and only when no other query was answered
 * while the probe was out (any response proves the upstream alive, whatever the probe's question). A suspended
 * upstream is probed again on a doubling backoff and reinstated by the first answer.
 */
public final class UpstreamHealth {

    public enum State { UP, PROBING, SUSPENDED }

    private final String label;
    private final InetSocketAddress address;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicLong answers = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();

    private double srttMillis = -1;
    private double rttvarMillis;
    private int consecutiveTimeouts;
    private State state = State.UP;
    private long nextProbeAtMillis;
    private long probeBackoffMillis;
    private boolean probeInFlight;
    private long answersAtProbe;

    public UpstreamHealth(String label, InetSocketAddress address) {
        this.label = label;
        this.address = address;
    }

    public String label() {
        return label;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** Queries this upstream is (assumed to be) working on, abandoned ones included. */
    public AtomicInteger inFlight() {
        return inFlight;
    }

    public void recordInFlight(int current) {
        maxInFlight.accumulateAndGet(current, Math::max);
    }

    /** The highest number of queries in flight to this upstream at once since start (abandoned ones included). */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    public long answers() {
        return answers.get();
    }

    public long timeouts() {
        return timeouts.get();
    }

    public synchronized State state() {
        return state;
    }

    public synchronized double srttMillis() {
        return srttMillis;
    }

    public synchronized int consecutiveTimeouts() {
        return consecutiveTimeouts;
    }

    /** The timeout for the next query: RTO = SRTT + 4 RTTVAR, doubled per consecutive timeout, within [min, max]. */
    public synchronized Duration queryTimeout(Duration min, Duration max) {
        if (srttMillis < 0) {
            return max;
        }
        double rto = (srttMillis + 4 * rttvarMillis) * (1L << Math.min(consecutiveTimeouts, 16));
        long clamped = (long) Math.max(min.toMillis(), Math.min(max.toMillis(), rto));
        return Duration.ofMillis(clamped);
    }

    /** Any response (even SERVFAIL) proves the upstream alive. */
    public synchronized void onResponse(long rttMillis) {
        answers.incrementAndGet();
        if (srttMillis < 0) {
            srttMillis = rttMillis;
            rttvarMillis = rttMillis / 2.0;
        } else {
            rttvarMillis = 0.75 * rttvarMillis + 0.25 * Math.abs(srttMillis - rttMillis);
            srttMillis = 0.875 * srttMillis + 0.125 * rttMillis;
        }
        consecutiveTimeouts = 0;
        state = State.UP;
        probeBackoffMillis = 0;
    }

    /**
     * A response to a query we had stopped waiting for: the upstream is alive, but the delay is the zone's (a frozen
     * authoritative server, a resolver that gave up), not the upstream's round trip, so the SRTT is not touched.
     */
    public synchronized void onLateResponse() {
        answers.incrementAndGet();
        consecutiveTimeouts = 0;
        state = State.UP;
        probeBackoffMillis = 0;
    }

    /** @return true when this timeout moved the upstream to PROBING */
    public synchronized boolean onTimeout(int suspendAfter) {
        timeouts.incrementAndGet();
        consecutiveTimeouts++;
        if (state == State.UP && consecutiveTimeouts >= suspendAfter) {
            state = State.PROBING;
            return true;
        }
        return false;
    }

    /** Claims the right to send the next probe, if one is due. */
    public synchronized boolean claimProbe(long nowMillis) {
        boolean due = state == State.PROBING || (state == State.SUSPENDED && nowMillis >= nextProbeAtMillis);
        if (!due || probeInFlight) {
            return false;
        }
        probeInFlight = true;
        answersAtProbe = answers.get();
        return true;
    }

    public synchronized void onProbeAnswered(long rttMillis) {
        probeInFlight = false;
        onResponse(rttMillis);
    }

    /**
     * The probe got no response. The upstream is suspended unless it answered another query meanwhile: a resolver
     * that answers traffic is alive, and one that does not answer the probe's question must not lose its traffic.
     *
     * @return true when this moved the upstream to SUSPENDED
     */
    public synchronized boolean onProbeFailed(long nowMillis, Duration initial, Duration max) {
        probeInFlight = false;
        if (answers.get() > answersAtProbe) {
            if (state == State.PROBING) {
                state = State.UP;
            }
            return false;
        }
        boolean wasUp = state != State.SUSPENDED;
        probeBackoffMillis = probeBackoffMillis == 0 ? initial.toMillis() : Math.min(max.toMillis(), probeBackoffMillis * 2);
        state = State.SUSPENDED;
        nextProbeAtMillis = nowMillis + probeBackoffMillis;
        return wasUp;
    }

    /** True while a probe of this upstream is out. */
    public synchronized boolean probeInFlight() {
        return probeInFlight;
    }

    public synchronized long nextProbeAtMillis() {
        return nextProbeAtMillis;
    }
}
