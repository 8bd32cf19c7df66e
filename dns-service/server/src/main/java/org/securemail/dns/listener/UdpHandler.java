package org.securemail.dns.listener;

import java.net.InetSocketAddress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import org.jboss.logging.Logger;

/** Answers each decoded UDP query when its lookup completes; the query itself is released on return. */
@ChannelHandler.Sharable
final class UdpHandler extends SimpleChannelInboundHandler<DatagramDnsQuery> {

    private static final Logger LOG = Logger.getLogger(UdpHandler.class);

    private final QueryAnswerer answerer;
    private final ListenerMetrics metrics;

    UdpHandler(QueryAnswerer answerer, ListenerMetrics metrics) {
        this.answerer = answerer;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
        Responses.Asked asked = Responses.Asked.of(query);
        InetSocketAddress client = query.sender();
        InetSocketAddress local = query.recipient();
        Channel channel = ctx.channel();
        answerer.answer(client.getAddress(), asked.question()).subscribe().with(reply -> {
            UdpResponse response = new UdpResponse(local, client, asked);
            Responses.fill(response, asked, reply, true);
            metrics.answered(Transport.UDP, reply.code());
            channel.writeAndFlush(response);
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a UDP socket serves everyone: log and go on
        LOG.debugf(cause, "DNS listener (UDP): %s", cause.getMessage());
    }
}
