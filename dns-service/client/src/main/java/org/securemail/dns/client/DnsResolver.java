package org.securemail.dns.client;

import java.time.Duration;

import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsType;

/**
 * How the mail services look up DNS: never directly against a resolver, always through the DNS service.
 *
 * <p>Contract: the returned {@link Uni} completes by {@code deadline} whatever happens, with an answer or with a
 * {@link org.securemail.common.dns.DnsStatus#TIMEOUT} answer. It never fails and never blocks the caller's thread.
 */
public interface DnsResolver {

    Uni<DnsAnswer> resolve(String name, DnsType type, Duration deadline);
}
