package org.securemail.ingest.relay;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed AUTH attempts per client address and per user name within a window (issue 12): past either limit AUTH is
 * refused without a password check ({@code 454 4.7.0}, RFC 4954 §6) until the window has passed, so guessing costs
 * the guesser time and the suite no bcrypt work. Held per ingest replica. Both maps are bounded: when full, entries
 * whose window has passed are dropped, and a new name or address is then not tracked (the other limit still holds).
 */
public final class AuthFailures {

    /** Tracked addresses or user names per map. */
    static final int MAX_ENTRIES = 100_000;

    private final int perClient;
    private final int perUser;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Window> clients = new ConcurrentHashMap<>();
    private final Map<String, Window> users = new ConcurrentHashMap<>();

    public AuthFailures(int perClient, int perUser, Duration window, LongSupplier nanoClock) {
        this.perClient = perClient;
        this.perUser = perUser;
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
    }

    /** True while {@code clientIp} or {@code username} has used up its failures. */
    public boolean locked(String clientIp, String username) {
        long now = nanoClock.getAsLong();
        return count(clients, clientIp, now) >= perClient || count(users, key(username), now) >= perUser;
    }

    public void failed(String clientIp, String username) {
        long now = nanoClock.getAsLong();
        add(clients, clientIp, now);
        add(users, key(username), now);
    }

    private int count(Map<String, Window> map, String key, long now) {
        Window w = map.get(key);
        return w == null ? 0 : w.count(now, windowNanos);
    }

    private void add(Map<String, Window> map, String key, long now) {
        if (map.size() >= MAX_ENTRIES && !map.containsKey(key)) {
            map.values().removeIf(w -> w.count(now, windowNanos) == 0);
            if (map.size() >= MAX_ENTRIES) {
                return;
            }
        }
        map.computeIfAbsent(key, k -> new Window()).add(now, windowNanos);
    }

    private static String key(String username) {
        return username == null ? "" : username.toLowerCase(Locale.ROOT);
    }

    /** Failures since the window started; the window starts again at the first failure after it ended. */
    private static final class Window {
        private long start;
        private int failures;

        synchronized int count(long now, long windowNanos) {
            return now - start >= windowNanos ? 0 : failures;
        }

        synchronized void add(long now, long windowNanos) {
            if (now - start >= windowNanos || failures == 0) {
                start = now;
                failures = 0;
            }
            failures++;
        }
    }
}
