package org.securemail.dns.listener;

import java.net.InetSocketAddress;

import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DnsOpCode;

/** A UDP response that knows how large it may be for its client. */
final class UdpResponse extends DatagramDnsResponse {

    final Responses.Asked asked;

    UdpResponse(InetSocketAddress sender, InetSocketAddress recipient, Responses.Asked asked) {
        super(sender, recipient, asked.id(), DnsOpCode.QUERY);
        this.asked = asked;
    }
}
