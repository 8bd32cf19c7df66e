package org.securemail.dns.listener;

import io.netty.handler.codec.dns.DnsResponseCode;

/** The response codes the listener sends (RFC 1035 4.1.1). */
enum ReplyCode {
    NOERROR(0), FORMERR(1), SERVFAIL(2), NXDOMAIN(3), NOTIMP(4), REFUSED(5);

    final int code;

    ReplyCode(int code) {
        this.code = code;
    }

    static ReplyCode fromNetty(DnsResponseCode code) {
        for (ReplyCode value : values()) {
            if (value.code == code.intValue()) {
                return value;
            }
        }
        return SERVFAIL;
    }

    DnsResponseCode netty() {
        return DnsResponseCode.valueOf(code);
    }
}
