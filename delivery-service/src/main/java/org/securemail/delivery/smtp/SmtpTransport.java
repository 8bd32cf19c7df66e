package org.securemail.delivery.smtp;

import java.util.List;

import io.smallrye.mutiny.Uni;

/**
 * The port to the next hop: deliver one transaction to the first of {@code hops} that accepts a session.
 * Never fails: every problem becomes a per-recipient {@link AttemptResult}.
 */
public interface SmtpTransport {

    Uni<SessionResult> deliver(List<NextHopAddress> hops, Transaction transaction);
}
