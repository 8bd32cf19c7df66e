package org.securemail.dns.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.dns.DnsRecordType;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsType;

/** The one table of wire type codes, shared by the upstream reader and the listener. */
class WireFormatTest {

    @Test
    void typesHaveTheirRegisteredCodes() {
        assertThat(WireFormat.code(DnsType.A)).isEqualTo(1);
        assertThat(WireFormat.code(DnsType.MX)).isEqualTo(15);
        assertThat(WireFormat.code(DnsType.AAAA)).isEqualTo(28);
        assertThat(WireFormat.code(DnsType.TLSA)).isEqualTo(52);
        assertThat(WireFormat.netty(DnsType.TXT)).isEqualTo(DnsRecordType.TXT);
    }

    @Test
    void everyTypeComesBackFromItsCode() {
        for (DnsType type : DnsType.values()) {
            assertThat(WireFormat.type(WireFormat.code(type))).isEqualTo(type);
        }
    }

    @Test
    void aCodeTheServiceDoesNotResolveHasNoType() {
        assertThat(WireFormat.type(255)).isNull();
        assertThat(WireFormat.type(0)).isNull();
        assertThat(WireFormat.type(99)).isNull();
    }
}
