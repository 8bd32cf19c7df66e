package org.securemail.dns.upstream;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.channel.AddressedEnvelope;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoop;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsPtrRecord;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsNameResolverChannelStrategy;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsType;

/**
 * {@link UpstreamTransport} on Netty's {@link DnsNameResolver}, running on a Netty (Vert.x) event loop: UDP with
 * EDNS0 (payload 1232, the DNS Flag Day 2020 size), a socket of its own per query and a TCP retry when the answer is
 * truncated. Netty's own caches are switched off: the service has its own.
 */
public final class NettyUpstreamTransport implements UpstreamTransport, AutoCloseable {

    /** EDNS0 UDP payload size that avoids IP fragmentation (DNS Flag Day 2020). */
    public static final int EDNS_PAYLOAD = 1232;

    private final DnsNameResolver resolver;

    /**
     * @param loop         an NIO event loop (Vert.x's by default)
     * @param queryTimeout the longest a query may take; Netty forgets the query after it
     */
    public NettyUpstreamTransport(EventLoop loop, Duration queryTimeout) {
        if (!(loop instanceof NioEventLoop)) {
            throw new IllegalArgumentException("an NIO event loop is required, got " + loop.getClass().getName());
        }
        this.resolver = new DnsNameResolverBuilder(loop)
                .datagramChannelType(NioDatagramChannel.class)
                // a socket, so a random source port, per query: a spoofer must guess the port as well as the id
                // (RFC 5452 §9.2); one shared socket would give every query the same port (issue 12)
                .datagramChannelStrategy(DnsNameResolverChannelStrategy.ChannelPerResolution)
                .socketChannelType(NioSocketChannel.class)
                .queryTimeoutMillis(queryTimeout.toMillis())
                .recursionDesired(true)
                .optResourceEnabled(true)
                .maxPayloadSize(EDNS_PAYLOAD)
                .resolveCache(NoopDnsCache.INSTANCE)
                .cnameCache(NoopDnsCnameCache.INSTANCE)
                .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
                .build();
    }

    @Override
    public CompletionStage<UpstreamResponse> query(InetSocketAddress upstream, String name, DnsType type,
            Duration timeout) {
        CompletableFuture<UpstreamResponse> result = new CompletableFuture<>();
        String fqdn = name.endsWith(".") ? name : name + ".";
        resolver.query(upstream, new DefaultDnsQuestion(fqdn, WireFormat.netty(type))).addListener(future -> {
            if (!future.isSuccess()) {
                Throwable cause = future.cause();
                result.completeExceptionally(DnsNameResolver.isTimeoutError(cause)
                        ? new UpstreamTimeoutException("no response from " + upstream + " for " + name)
                        : cause);
                return;
            }
            @SuppressWarnings("unchecked")
            AddressedEnvelope<DnsResponse, InetSocketAddress> envelope =
                    (AddressedEnvelope<DnsResponse, InetSocketAddress>) future.getNow();
            try {
                result.complete(convert(envelope.content()));
            } catch (Exception malformed) {
                result.completeExceptionally(malformed);
            } finally {
                envelope.release();
            }
        });
        return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(
                        failure instanceof TimeoutException
                                ? new UpstreamTimeoutException("no response from " + upstream + " for " + name + " in " + timeout)
                                : failure));
    }

    static UpstreamResponse convert(DnsResponse response) throws Exception {
        List<DnsRecordData> answers = new ArrayList<>();
        int count = response.count(DnsSection.ANSWER);
        for (int i = 0; i < count; i++) {
            DnsRecord record = response.recordAt(DnsSection.ANSWER, i);
            DnsType type = WireFormat.type(record.type().intValue());
            String data;
            if (type == null) {
                continue;
            } else if (record instanceof DnsPtrRecord ptr) {
                data = WireFormat.normalizeName(ptr.hostname());
            } else if (record instanceof DnsRawRecord raw) {
                data = WireFormat.rdata(type, raw.content().duplicate(), raw.content().readableBytes());
            } else {
                continue;
            }
            answers.add(new DnsRecordData(WireFormat.normalizeName(record.name()), type, record.timeToLive(), data));
        }
        long negativeTtl = -1;
        int authorities = response.count(DnsSection.AUTHORITY);
        for (int i = 0; i < authorities; i++) {
            DnsRecord record = response.recordAt(DnsSection.AUTHORITY, i);
            if (record.type().intValue() == 6 && record instanceof DnsRawRecord raw) {
                negativeTtl = Math.min(record.timeToLive(), WireFormat.soaMinimum(raw.content().duplicate()));
            }
        }
        return new UpstreamResponse(Rcode.of(response.code().intValue()), answers, negativeTtl);
    }

    @Override
    public void close() {
        resolver.close();
    }
}
