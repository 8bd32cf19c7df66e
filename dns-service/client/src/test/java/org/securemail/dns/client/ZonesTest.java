package org.securemail.dns.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ZonesTest {

    @Test
    void theZoneIsTheRegistrableDomainUnderThePublicSuffix() {
        assertThat(Zones.zoneOf("mx1.mail.example.com")).isEqualTo("example.com");
        assertThat(Zones.zoneOf("MX1.Example.CO.UK.")).isEqualTo("example.co.uk");
        assertThat(Zones.zoneOf("example.com")).isEqualTo("example.com");
        assertThat(Zones.zoneOf("foo.bar.github.io")).isEqualTo("bar.github.io");
    }

    @Test
    void serviceLabelsWithUnderscoresBelongToTheirDomain() {
        assertThat(Zones.zoneOf("_dmarc.example.co.uk")).isEqualTo("example.co.uk");
        assertThat(Zones.zoneOf("_25._tcp.mx1.example.org")).isEqualTo("example.org");
        assertThat(Zones.zoneOf("selector._domainkey.example.net")).isEqualTo("example.net");
    }

    @Test
    void namesUnderNoKnownSuffixFallBackToTheirLastTwoLabels() {
        assertThat(Zones.zoneOf("a.b.zone7.test")).isEqualTo("zone7.test");
        assertThat(Zones.zoneOf("4.3.2.1.in-addr.arpa")).as("in-addr.arpa is a public suffix").isEqualTo("1.in-addr.arpa");
        assertThat(Zones.zoneOf("localhost")).isEqualTo("localhost");
        assertThat(Zones.zoneOf("com")).isEqualTo("com");
    }
}
