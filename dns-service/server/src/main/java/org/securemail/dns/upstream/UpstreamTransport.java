package org.securemail.dns.upstream;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

import org.securemail.common.dns.DnsType;

/**
 * The port to upstream recursive resolvers: one question to one upstream.
 *
 * <p>Contract (checked by {@code UpstreamTransportContract} for every implementation): the stage completes with the
 * upstream's response (any rcode, records with their TTLs, the negative TTL from the SOA of a negative answer), or
 * fails with {@link UpstreamTimeoutException} once {@code timeout} has passed without a response, or fails with
 * another exception when the upstream cannot be reached. It never blocks the calling thread.
 */
public interface UpstreamTransport {

    CompletionStage<UpstreamResponse> query(InetSocketAddress upstream, String name, DnsType type, Duration timeout);
}
