package org.securemail.delivery.smtp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;

/** In-memory {@link SmtpTransport} for unit tests: hops are scripted by address; unknown addresses are dead. */
final class FakeSmtpTransport implements SmtpTransport {

    private final Map<String, Function<String, String>> live = new ConcurrentHashMap<>();
    private final Map<String, List<String>> delivered = new ConcurrentHashMap<>();

    void live(NextHopAddress hop, Function<String, String> rcptReply) {
        live.put(hop.display(), rcptReply);
        delivered.put(hop.display(), new CopyOnWriteArrayList<>());
    }

    List<String> deliveredTo(NextHopAddress hop) {
        return delivered.getOrDefault(hop.display(), List.of());
    }

    @Override
    public Uni<SessionResult> deliver(List<NextHopAddress> hops, Transaction tx) {
        List<String> tried = new ArrayList<>();
        for (NextHopAddress hop : hops) {
            tried.add(hop.display());
            Function<String, String> script = live.get(hop.display());
            if (script == null) {
                continue;
            }
            Map<String, AttemptResult> results = new LinkedHashMap<>();
            for (String rcpt : tx.recipients()) {
                String reply = script.apply(rcpt);
                SmtpReply parsed = SmtpReply.of(Integer.parseInt(reply.substring(0, 3)), reply.substring(4));
                if (parsed.positive()) {
                    delivered.get(hop.display()).add(rcpt);
                    results.put(rcpt, AttemptResult.success("250 2.0.0 Ok: queued", hop.display()));
                } else {
                    results.put(rcpt, AttemptResult.of(parsed, hop.display()));
                }
            }
            return Uni.createFrom().item(new SessionResult(results, true, tried));
        }
        return Uni.createFrom().item(SessionResult.all(tx.recipients(),
                AttemptResult.temporary("451 4.4.1 connect failed (fake)", null), false, tried));
    }
}
