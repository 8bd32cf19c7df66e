package org.securemail.ingest.inspect.content;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where rspamd is and the bounds on each scan.
 *
 * @param endpoint           the normal worker's base URI, e.g. {@code http://127.0.0.1:11333}; {@code /checkv2} is
 *                           appended
 * @param timeout            the whole exchange, connect to last byte of the reply; past it, SCAN_FAILED TIMEOUT
 * @param maxMessageBytes    larger messages are not sent: SKIPPED
 * @param maxReplyBytes      larger replies are cut off: SCAN_FAILED REPLY_TOO_LARGE
 * @param maxConcurrentScans scans in flight at once; one more is SCAN_FAILED BUSY at once
 * @param maxSymbols         symbols kept from a reply (rspamd sends some dozens; the rest are dropped)
 * @param settingsId         rspamd {@code Settings-Id} to apply, or {@code null} for rspamd's defaults
 */
public record RspamdOptions(URI endpoint, Duration timeout, long maxMessageBytes, int maxReplyBytes,
        int maxConcurrentScans, int maxSymbols, String settingsId) {

    public RspamdOptions {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(timeout, "timeout");
        if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())) {
            throw new IllegalArgumentException("endpoint must be http(s): " + endpoint);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (maxMessageBytes < 1 || maxReplyBytes < 1 || maxConcurrentScans < 1 || maxSymbols < 0) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        if (settingsId != null && !RspamdRequest.isHeaderSafe(settingsId)) {
            throw new IllegalArgumentException("settingsId must be printable ASCII: " + settingsId);
        }
    }

    /** 20 s, 32 MiB messages, 1 MiB replies, 16 scans in flight, 256 symbols, no settings id. */
    public static RspamdOptions defaults(URI endpoint) {
        return new RspamdOptions(endpoint, Duration.ofSeconds(20), 32L << 20, 1 << 20, 16, 256, null);
    }

    public RspamdOptions withTimeout(Duration value) {
        return new RspamdOptions(endpoint, value, maxMessageBytes, maxReplyBytes, maxConcurrentScans, maxSymbols,
                settingsId);
    }

    public RspamdOptions withMaxMessageBytes(long value) {
        return new RspamdOptions(endpoint, timeout, value, maxReplyBytes, maxConcurrentScans, maxSymbols, settingsId);
    }

    public RspamdOptions withMaxReplyBytes(int value) {
        return new RspamdOptions(endpoint, timeout, maxMessageBytes, value, maxConcurrentScans, maxSymbols, settingsId);
    }

    public RspamdOptions withMaxConcurrentScans(int value) {
        return new RspamdOptions(endpoint, timeout, maxMessageBytes, maxReplyBytes, value, maxSymbols, settingsId);
    }

    public RspamdOptions withMaxSymbols(int value) {
        return new RspamdOptions(endpoint, timeout, maxMessageBytes, maxReplyBytes, maxConcurrentScans, value,
                settingsId);
    }

    public RspamdOptions withSettingsId(String value) {
        return new RspamdOptions(endpoint, timeout, maxMessageBytes, maxReplyBytes, maxConcurrentScans, maxSymbols,
                value);
    }
}
