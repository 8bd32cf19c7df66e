package org.securemail.delivery.smtp;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.vertx.core.Future;
import org.securemail.delivery.config.DeliveryConfig;

/**
 * One mail transaction on a ready session: MAIL FROM (with SIZE and BODY=8BITMIME when offered), RCPT TO per
 * recipient, DATA, in one write when PIPELINING is offered, then RSET unless every recipient was accepted. A clean
 * session goes back to the {@link ConnectionPool}; any other is closed.
 */
final class TransactionDialogue {

    private final DeliveryConfig.Smtp config;
    private final ConnectionPool pool;

    /**
     * @param results        per recipient, in transaction order
     * @param lostBeforeMail the session was gone before MAIL FROM was answered (a cached session the server closed)
     */
    record TransactionOutcome(Map<String, AttemptResult> results, boolean lostBeforeMail) {
    }

    TransactionDialogue(DeliveryConfig.Smtp config, ConnectionPool pool) {
        this.config = config;
        this.pool = pool;
    }

    /** Never fails: problems become per-recipient temporary results. */
    Future<TransactionOutcome> run(SmtpConnection c, Transaction tx) {
        String remote = c.hop.display();
        Map<String, AttemptResult> results = new LinkedHashMap<>();
        MessageContent content = tx.content();
        if (c.maxSize > 0 && content.size() > c.maxSize) {
            AttemptResult tooBig = AttemptResult.permanent("552 5.3.4 message size " + content.size()
                    + " exceeds the fixed limit " + c.maxSize + " of " + remote, remote);
            tx.recipients().forEach(r -> results.put(r, tooBig));
            pool.release(c);
            return Future.succeededFuture(new TransactionOutcome(results, false));
        }
        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(tx.sender()).append('>');
        if (c.offers("SIZE")) {
            mail.append(" SIZE=").append(content.size());
        }
        if (content.eightBit() && c.offers("8BITMIME")) {
            mail.append(" BODY=8BITMIME");
        }
        boolean pipelining = c.offers("PIPELINING");
        Duration cmd = config.commandTimeout();
        if (pipelining) {
            StringBuilder batch = new StringBuilder(mail).append("\r\n");
            tx.recipients().forEach(r -> batch.append("RCPT TO:<").append(r).append(">\r\n"));
            batch.append("DATA");
            c.write(batch.toString());
        }
        boolean[] mailAnswered = {false};
        Set<String> acceptedAtRcpt = new LinkedHashSet<>();
        Future<SmtpReply> mailReply = pipelining ? c.read("sending MAIL FROM", cmd)
                : c.command(mail.toString(), "sending MAIL FROM", cmd);
        Future<Void> flow = mailReply.compose(mr -> {
            mailAnswered[0] = true;
            if (!mr.positive() && !pipelining) {
                tx.recipients().forEach(r -> results.put(r, AttemptResult.of(mr, remote)));
                return Future.succeededFuture(mr);
            }
            Future<SmtpReply> chain = Future.succeededFuture(mr);
            for (String rcpt : tx.recipients()) {
                chain = chain.compose(prev -> (pipelining ? c.read("sending RCPT TO", cmd)
                        : c.command("RCPT TO:<" + rcpt + ">", "sending RCPT TO", cmd)).map(reply -> {
                            if (mr.positive() && reply.positive()) {
                                acceptedAtRcpt.add(rcpt);
                            } else {
                                results.put(rcpt, AttemptResult.of(mr.positive() ? reply : mr, remote));
                            }
                            return reply;
                        }));
            }
            return chain.compose(last -> {
                List<String> accepted = List.copyOf(acceptedAtRcpt);
                Future<SmtpReply> dataReply;
                if (pipelining) {
                    dataReply = c.read("sending DATA", config.dataInitTimeout());
                } else if (accepted.isEmpty()) {
                    return Future.succeededFuture(last);
                } else {
                    dataReply = c.command("DATA", "sending DATA", config.dataInitTimeout());
                }
                return dataReply.compose(dr -> {
                    if (accepted.isEmpty()) {
                        if (!dr.intermediate()) {
                            return Future.succeededFuture(dr);
                        }
                        c.writeRaw(new byte[] {'.', '\r', '\n'});
                        return c.read("ending an empty DATA", config.dataDoneTimeout());
                    }
                    if (!dr.intermediate()) {
                        accepted.forEach(r -> results.put(r, AttemptResult.of(dr, remote)));
                        return Future.succeededFuture(dr);
                    }
                    c.writeRaw(content.wire());
                    return c.read("sending end of data -- message may be sent more than once",
                            config.dataDoneTimeout()).map(end -> {
                                accepted.forEach(r -> results.put(r, AttemptResult.of(end, remote)));
                                return end;
                            });
                });
            });
        }).compose(last -> {
            if (last.code() == 421 || !c.open()) {
                c.fail("server closed the session");
                return Future.succeededFuture();
            }
            boolean clean = tx.recipients().stream()
                    .allMatch(r -> results.containsKey(r) && results.get(r).kind() == AttemptResult.Kind.SUCCESS);
            if (clean) {
                pool.release(c);
                return Future.succeededFuture();
            }
            return c.command("RSET", "sending RSET", cmd).map(rset -> {
                if (rset.positive()) {
                    pool.release(c);
                } else {
                    c.fail("RSET refused");
                }
                return (Void) null;
            }).recover(t -> Future.succeededFuture());
        });
        return flow.transform(ar -> {
            if (ar.failed()) {
                c.fail("transaction failed");
                String reason = "451 4.4.2 " + ar.cause().getMessage();
                // a recipient accepted at RCPT but without a final DATA reply is not delivered: retry it
                tx.recipients().forEach(r -> results.putIfAbsent(r, AttemptResult.temporary(reason, remote)));
                return Future.succeededFuture(new TransactionOutcome(results, !mailAnswered[0]));
            }
            tx.recipients().forEach(r -> results.putIfAbsent(r,
                    AttemptResult.temporary("451 4.4.2 no final reply from " + remote, remote)));
            return Future.succeededFuture(new TransactionOutcome(results, false));
        });
    }
}
