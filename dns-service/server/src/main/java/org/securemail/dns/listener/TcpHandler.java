package org.securemail.dns.listener;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.timeout.IdleStateEvent;
import org.jboss.logging.Logger;

/**
 * One TCP connection (RFC 7766): pipelined queries answered as their lookups complete (in any order, matched by id),
 * at most {@code maxInFlight} at once (reading pauses meanwhile), at most {@code maxQueries} per connection, closed
 * when idle with nothing outstanding, and refused outright beyond {@code maxConnections}.
 */
final class TcpHandler extends SimpleChannelInboundHandler<DnsQuery> {

    private static final Logger LOG = Logger.getLogger(TcpHandler.class);

    private final QueryAnswerer answerer;
    private final ListenerMetrics metrics;
    private final AtomicInteger connections;
    private final int maxConnections;
    private final int maxQueries;
    private final int maxInFlight;
    /** Touched on the channel's event loop only. */
    private final Queue<Responses.Asked> waiting = new ArrayDeque<>();
    private int inFlight;
    private int received;
    private boolean counted;

    TcpHandler(QueryAnswerer answerer, ListenerMetrics metrics, AtomicInteger connections, int maxConnections,
            int maxQueries, int maxInFlight) {
        this.answerer = answerer;
        this.metrics = metrics;
        this.connections = connections;
        this.maxConnections = maxConnections;
        this.maxQueries = Math.max(1, maxQueries);
        this.maxInFlight = Math.max(1, maxInFlight);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (connections.incrementAndGet() > maxConnections) {
            connections.decrementAndGet();
            ctx.close();
            return;
        }
        counted = true;
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (counted) {
            counted = false;
            connections.decrementAndGet();
        }
        super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DnsQuery query) {
        if (received >= maxQueries) {
            return; // past the per-connection budget: the connection closes once the answered ones are out
        }
        received++;
        waiting.add(Responses.Asked.of(query));
        if (received >= maxQueries) {
            ctx.channel().config().setAutoRead(false);
        }
        startWaiting(ctx);
    }

    private void startWaiting(ChannelHandlerContext ctx) {
        while (inFlight < maxInFlight && !waiting.isEmpty()) {
            Responses.Asked asked = waiting.poll();
            inFlight++;
            InetSocketAddress client = (InetSocketAddress) ctx.channel().remoteAddress();
            answerer.answer(client.getAddress(), asked.question()).subscribe().with(
                    reply -> ctx.executor().execute(() -> answered(ctx, asked, reply)));
        }
        ctx.channel().config().setAutoRead(inFlight < maxInFlight && received < maxQueries);
    }

    private void answered(ChannelHandlerContext ctx, Responses.Asked asked, Reply reply) {
        inFlight--;
        DefaultDnsResponse response = new DefaultDnsResponse(asked.id(), DnsOpCode.QUERY);
        Responses.fill(response, asked, reply, true);
        metrics.answered(Transport.TCP, reply.code());
        var written = ctx.writeAndFlush(response);
        if (received >= maxQueries && inFlight == 0 && waiting.isEmpty()) {
            written.addListener(f -> ctx.close());
            return;
        }
        startWaiting(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent && inFlight == 0 && waiting.isEmpty()) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debugf("DNS listener (TCP) closes %s: %s", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
