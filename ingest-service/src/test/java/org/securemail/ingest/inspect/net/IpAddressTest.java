package org.securemail.ingest.inspect.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;

import org.junit.jupiter.api.Test;

/** Address literals, prefixes and the forms the macros and reverse lookups use. */
class IpAddressTest {

    @Test
    void anIpv4MappedIpv6ClientIsIpv4() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 192;
        mapped[14] = 2;
        mapped[15] = 3;
        InetAddress client = Inet6Address.getByAddress(null, mapped, -1);

        IpAddress address = IpAddress.of(client);

        assertThat(address.isV4()).isTrue();
        assertThat(address.readable()).isEqualTo("192.0.2.3");
        assertThat(address.version()).isEqualTo("in-addr");
    }

    @Test
    void matchesPrefixesBitByBit() {
        IpAddress address = IpAddress.ofBytes(IpLiterals.parseV4("192.0.2.130"));

        assertThat(address.inNetwork(IpLiterals.parseV4("192.0.2.128"), 30)).isTrue();
        assertThat(address.inNetwork(IpLiterals.parseV4("192.0.2.128"), 31)).isFalse();
        assertThat(address.inNetwork(IpLiterals.parseV4("10.0.0.0"), 0)).isTrue();
        assertThat(address.inNetwork(IpLiterals.parseV6("::"), 0)).isFalse();
    }

    @Test
    void parsesIpv6FormsIncludingAnIpv4Tail() {
        assertThat(IpLiterals.parseV6("::")).hasSize(16).containsOnly(0);
        assertThat(IpAddress.ofBytes(IpLiterals.parseV6("2001:DB8:0:0:0:0:0:CB01")).readable())
                .isEqualTo("2001:db8::cb01");
        assertThat(IpAddress.ofBytes(IpLiterals.parseV6("64:ff9b::192.0.2.33")).readable())
                .isEqualTo("64:ff9b::c000:221");
        assertThat(IpLiterals.parseV6(":1")).isNull();
        assertThat(IpLiterals.parseV6("1:2:3:4:5:6:7:8:9")).isNull();
    }

    @Test
    void writesIpv6ShortFormPerRfc5952() {
        assertThat(IpAddress.ofBytes(IpLiterals.parseV6("2001:db8:0:1:0:0:0:1")).readable())
                .isEqualTo("2001:db8:0:1::1");
        assertThat(IpAddress.ofBytes(IpLiterals.parseV6("2001:0:0:1:0:0:1:1")).readable())
                .isEqualTo("2001::1:0:0:1:1");
        assertThat(IpAddress.ofBytes(IpLiterals.parseV6("2001:db8:1:1:1:1:0:1")).readable())
                .isEqualTo("2001:db8:1:1:1:1:0:1");
    }

    @Test
    void namesTheReverseLookupOfBothFamilies() {
        assertThat(IpAddress.ofBytes(IpLiterals.parseV4("192.0.2.3")).reverseName())
                .isEqualTo("3.2.0.192.in-addr.arpa");
        assertThat(IpAddress.ofBytes(IpLiterals.parseV6("2001:db8::cb01")).reverseName())
                .isEqualTo("1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
    }

    @Test
    void exactlyKeepsAnIpv4MappedAddressAsIpv6() {
        byte[] mapped = IpLiterals.parseV6("::ffff:127.0.0.2");

        assertThat(IpAddress.ofBytes(mapped).isV4()).isTrue();
        IpAddress exact = IpAddress.exactly(mapped);
        assertThat(exact.isV4()).isFalse();
        assertThat(exact.sameAs(mapped)).isTrue();
        assertThat(exact.reversedUnder("dnsbl.example"))
                .isEqualTo("2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.dnsbl.example");
    }

    @Test
    void reversesIpv4UnderAListZone() {
        assertThat(IpAddress.ofBytes(IpLiterals.parseV4("127.0.0.2")).reversedUnder("zen.example"))
                .isEqualTo("2.0.0.127.zen.example");
    }
}
