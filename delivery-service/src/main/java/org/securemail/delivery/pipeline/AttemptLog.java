package org.securemail.delivery.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.securemail.common.delivery.Outcome;
import org.securemail.common.observe.MessageLog;

/**
 * One INFO line per delivery attempt and group of recipients with the same result, Postfix style, in the category
 * {@value #CATEGORY} (an operator can route or silence it on its own):
 *
 * <pre>
 * Q1A2B3C4D5E6: to=&lt;bob@example.com&gt;,&lt;carol@example.com&gt;, relay=mx.example.com[192.0.2.25]:25, attempt=1,
 *     delay=0.42, dsn=2.0.0, status=delivered (250 2.0.0 Ok: queued as 4Xyz)
 * </pre>
 *
 * {@code relay} is the next hop that answered ({@code none} when no session was made), {@code delay} the seconds since
 * ingest accepted the message, {@code dsn} the enhanced status code, then the outcome with the reply (the remote one,
 * or the local reason), and {@code next} for a deferral. The queue id is in the MDC ({@code queue_id}). Never the
 * message's content; the recipients listed and the reply are bounded (a next hop is a stranger).
 */
final class AttemptLog {

    static final String CATEGORY = "org.securemail.delivery.attempt";
    /** Recipients written out in one line; past that the line says how many more. */
    static final int MAX_RECIPIENTS = 50;
    /** Characters of the reply written out. */
    static final int MAX_REPLY = 512;

    private static final MessageLog LOG = MessageLog.of(CATEGORY);

    /** What one recipient's attempt ended with. */
    record Line(String recipient, Outcome outcome, String remoteHost, String dsn, String reply, Instant next) {
    }

    private AttemptLog() {
    }

    static boolean enabled() {
        return LOG.isEnabled(org.jboss.logmanager.Level.INFO);
    }

    /** Logs {@code lines} of one attempt of {@code item}, one line per group with the same result. */
    static void log(WorkItem item, List<Line> lines, Instant now) {
        if (lines.isEmpty() || !enabled()) {
            return;
        }
        Map<List<Object>, List<String>> groups = new LinkedHashMap<>();
        Map<List<Object>, Line> first = new LinkedHashMap<>();
        for (Line line : lines) {
            List<Object> key = java.util.Arrays.asList(line.outcome(), line.remoteHost(), line.dsn(), line.reply(),
                    line.next());
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(line.recipient());
            first.putIfAbsent(key, line);
        }
        String delay = delay(item.receivedAt(), now);
        groups.forEach((key, recipients) -> {
            Line line = first.get(key);
            LOG.info(item.queueId(), "%s: to=%s, relay=%s, attempt=%d, delay=%s, dsn=%s, status=%s (%s)%s",
                    item.queueId(), recipients(recipients), line.remoteHost() == null ? "none" : line.remoteHost(),
                    item.attempt(), delay, line.dsn(), line.outcome().name().toLowerCase(Locale.ROOT),
                    bounded(line.reply()), line.next() == null ? "" : ", next=" + line.next());
        });
    }

    static String recipients(List<String> recipients) {
        StringBuilder out = new StringBuilder();
        int shown = Math.min(recipients.size(), MAX_RECIPIENTS);
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append('<').append(recipients.get(i)).append('>');
        }
        if (recipients.size() > shown) {
            out.append(" and ").append(recipients.size() - shown).append(" more");
        }
        return out.toString();
    }

    /** Seconds since the message was accepted, two decimals ({@code ?} when unknown). */
    static String delay(Instant receivedAt, Instant now) {
        if (receivedAt == null) {
            return "?";
        }
        long millis = Math.max(0, Duration.between(receivedAt, now).toMillis());
        return String.format(Locale.ROOT, "%d.%02d", millis / 1000, (millis % 1000) / 10);
    }

    /** The reply on one line, control characters replaced, at most {@link #MAX_REPLY} characters. */
    static String bounded(String reply) {
        String text = Objects.toString(reply, "");
        int end = Math.min(text.length(), MAX_REPLY);
        StringBuilder out = new StringBuilder(end + 3);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        if (text.length() > end) {
            out.append("...");
        }
        return out.toString();
    }
}
