package org.securemail.dns.listener;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.securemail.dns.listener.QueryScreen.Screened;

/**
 * Between the length framing and Netty's TCP query decoder: a frame (length prefix included) that is not a
 * well-formed standard query is answered here from its bytes; a response (QR=1) or a runt closes the connection.
 */
final class TcpScreen extends ChannelInboundHandlerAdapter {

    private final ListenerMetrics metrics;

    TcpScreen(ListenerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        ByteBuf message = frame.slice(frame.readerIndex() + 2, frame.readableBytes() - 2);
        Screened screened = QueryScreen.check(message);
        ReplyCode code = switch (screened.verdict()) {
            case ACCEPT -> null;
            case DROP -> null;
            case FORMERR -> ReplyCode.FORMERR;
            case NOTIMP -> ReplyCode.NOTIMP;
            case REFUSED -> ReplyCode.REFUSED;
        };
        if (screened.verdict() == QueryScreen.Verdict.ACCEPT) {
            ctx.fireChannelRead(frame);
            return;
        }
        try {
            if (code == null) {
                metrics.dropped();
                ctx.close();
                return;
            }
            if (code == ReplyCode.REFUSED) {
                metrics.refused(ListenerMetrics.Reason.NAME);
            }
            metrics.answered(Transport.TCP, code);
            ByteBuf reply = QueryScreen.reply(ctx.alloc(), message,
                    code == ReplyCode.NOTIMP ? -1 : screened.questionEnd(), code, false);
            ByteBuf framed = ctx.alloc().buffer(2 + reply.readableBytes());
            framed.writeShort(reply.readableBytes()).writeBytes(reply);
            reply.release();
            ctx.writeAndFlush(framed);
        } finally {
            frame.release();
        }
    }
}
