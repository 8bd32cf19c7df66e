package org.securemail.dns.listener;

import java.net.InetSocketAddress;
import java.util.List;

import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.util.ReferenceCountUtil;

/**
 * Netty's datagram response encoder, then the size rule (RFC 1035 4.2.1, RFC 6891 7, RFC 7766 5): an answer larger
 * than the client accepts goes out without records and with TC=1, so the client asks again over TCP.
 */
final class TruncatingResponseEncoder extends DatagramDnsResponseEncoder {

    private final ListenerMetrics metrics;

    TruncatingResponseEncoder(ListenerMetrics metrics) {
        this.metrics = metrics;
    }

    @SuppressWarnings("unchecked")
    private static AddressedEnvelope<DnsResponse, InetSocketAddress> envelope(UdpResponse response) {
        Object envelope = response;
        return (AddressedEnvelope<DnsResponse, InetSocketAddress>) envelope;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, AddressedEnvelope<DnsResponse, InetSocketAddress> envelope,
            List<Object> out) throws Exception {
        super.encode(ctx, envelope, out);
        Object sent = envelope;
        if (!(sent instanceof UdpResponse response) || out.isEmpty()) {
            return;
        }
        DatagramPacket packet = (DatagramPacket) out.get(out.size() - 1);
        if (packet.content().readableBytes() <= response.asked.udpLimit()) {
            return;
        }
        out.remove(out.size() - 1);
        packet.release();
        metrics.truncated();
        UdpResponse truncated = new UdpResponse(response.sender(), response.recipient(), response.asked);
        try {
            Responses.fill(truncated, response.asked, new Reply(ReplyCode.fromNetty(response.code()), List.of()), false);
            truncated.setTruncated(true);
            super.encode(ctx, envelope(truncated), out);
        } finally {
            ReferenceCountUtil.release(truncated);
        }
    }
}
