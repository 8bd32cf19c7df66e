package org.securemail.dns.listener;

import io.netty.handler.codec.dns.DnsOptPseudoRecord;
import io.netty.handler.codec.dns.DnsRecordType;

/** The EDNS0 OPT record of a response (RFC 6891 6.1.2): our UDP payload size, version 0, no flags, no options. */
record OptRecord(int payloadSize) implements DnsOptPseudoRecord {

    @Override
    public int extendedRcode() {
        return 0;
    }

    @Override
    public int version() {
        return 0;
    }

    @Override
    public int flags() {
        return 0;
    }

    @Override
    public String name() {
        return ".";
    }

    @Override
    public DnsRecordType type() {
        return DnsRecordType.OPT;
    }

    @Override
    public int dnsClass() {
        return payloadSize;
    }

    @Override
    public long timeToLive() {
        return 0;
    }
}
