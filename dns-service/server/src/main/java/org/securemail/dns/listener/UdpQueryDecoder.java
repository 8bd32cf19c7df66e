package org.securemail.dns.listener;

import java.util.List;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import org.securemail.dns.listener.QueryScreen.Screened;

/**
 * Netty's datagram query decoder behind the {@link QueryScreen} and the per-source {@link RateLimiter}: what is
 * not a well-formed standard query is answered here from the raw bytes (or dropped), never decoded.
 */
final class UdpQueryDecoder extends DatagramDnsQueryDecoder {

    private final RateLimiter limiter;
    private final ListenerMetrics metrics;

    UdpQueryDecoder(RateLimiter limiter, ListenerMetrics metrics) {
        this.limiter = limiter;
        this.metrics = metrics;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) throws Exception {
        Screened screened = QueryScreen.check(packet.content());
        if (screened.verdict() == QueryScreen.Verdict.DROP) {
            metrics.dropped();
            return;
        }
        switch (limiter.admit(packet.sender().getAddress())) {
            case DROP -> {
                metrics.rateLimited();
                return;
            }
            case SLIP -> {
                metrics.rateLimited();
                reply(ctx, packet, screened.questionEnd(), ReplyCode.NOERROR, true);
                return;
            }
            case PASS -> {
            }
        }
        switch (screened.verdict()) {
            case FORMERR -> reply(ctx, packet, screened.questionEnd(), ReplyCode.FORMERR, false);
            case NOTIMP -> reply(ctx, packet, -1, ReplyCode.NOTIMP, false);
            case REFUSED -> {
                metrics.refused(ListenerMetrics.Reason.NAME);
                reply(ctx, packet, screened.questionEnd(), ReplyCode.REFUSED, false);
            }
            default -> {
                try {
                    super.decode(ctx, packet, out);
                } catch (Exception unexpected) {
                    reply(ctx, packet, -1, ReplyCode.FORMERR, false);
                }
            }
        }
    }

    private void reply(ChannelHandlerContext ctx, DatagramPacket packet, int questionEnd, ReplyCode code, boolean tc) {
        metrics.answered(Transport.UDP, code);
        ctx.writeAndFlush(new DatagramPacket(
                QueryScreen.reply(ctx.alloc(), packet.content(), questionEnd, code, tc), packet.sender()));
    }
}
