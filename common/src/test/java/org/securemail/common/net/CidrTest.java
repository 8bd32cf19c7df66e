package org.securemail.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void parsesIpv4AndIpv6Networks() throws Exception {
        Cidr loopback = Cidr.parse("127.0.0.0/8");
        assertThat(loopback.contains(InetAddress.getByName("127.1.2.3"))).isTrue();
        assertThat(loopback.contains(InetAddress.getByName("128.0.0.1"))).isFalse();
        assertThat(Cidr.parse("::1/128").contains(InetAddress.getByName("::1"))).isTrue();
        assertThat(Cidr.parse("10.0.0.7").prefix()).isEqualTo(32);
        assertThat(Cidr.literal("[fd00::1]")).hasSize(16);
    }

    @Test
    void anOctetOver255IsNotAnAddressAndIsNeverLookedUp() {
        // before: "300.0.0.0" passed the pattern and went to InetAddress.getByName, which looks it up as a host name
        for (String bad : new String[] {"300.0.0.0/8", "256.1.1.1", "1.2.3.999/32"}) {
            assertThatThrownBy(() -> Cidr.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not an IP network");
        }
        assertThat(Cidr.literal("255.255.255.255")).containsExactly((byte) 255, (byte) 255, (byte) 255, (byte) 255);
    }

    @Test
    void hostNamesAndBadPrefixesAreRefused() {
        assertThatThrownBy(() -> Cidr.parse("localhost/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix out of range");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("not an IP network");
        assertThatThrownBy(() -> Cidr.parse("1:2:3/64")).hasMessageContaining("not an IP network");
    }
}
