package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrustedNetworksTest {

    private final TrustedNetworks loopback = TrustedNetworks.of(List.of("127.0.0.0/8", "::1/128"));

    @Test
    void matchesIpv4AndIpv6ClientsInTheListedNetworks() {
        assertThat(loopback.contains("127.0.0.1")).isTrue();
        assertThat(loopback.contains("127.255.0.9")).isTrue();
        assertThat(loopback.contains("::1")).isTrue();
        assertThat(loopback.contains("0:0:0:0:0:0:0:1")).as("the JDK's form of ::1").isTrue();
        assertThat(loopback.contains("128.0.0.1")).isFalse();
        assertThat(loopback.contains("::2")).isFalse();
        assertThat(loopback.contains("192.0.2.1")).isFalse();
    }

    @Test
    void anIpv6NetworkMatchesOnItsPrefix() {
        TrustedNetworks docs = TrustedNetworks.of(List.of("2001:db8:1::/48"));
        assertThat(docs.contains("2001:db8:1:ffff::25")).isTrue();
        assertThat(docs.contains("2001:db8:2::25")).isFalse();
        assertThat(docs.contains("192.0.2.1")).as("an IPv4 client is not in an IPv6 network").isFalse();
    }

    @Test
    void anIpv4MappedClientIsItsIpv4Address() {
        assertThat(loopback.contains("::ffff:127.0.0.1")).isTrue();
        assertThat(loopback.contains("0:0:0:0:0:ffff:7f00:1")).isTrue();
        assertThat(loopback.contains("::ffff:192.0.2.1")).isFalse();
        assertThat(TrustedNetworks.of(List.of("::1/128")).contains("::ffff:127.0.0.1"))
                .as("an IPv4 client is not in an IPv6 network, mapped or not").isFalse();
    }

    @Test
    void aClientWithAnIpv6ZoneIsMatchedOnItsAddress() {
        TrustedNetworks linkLocal = TrustedNetworks.of(List.of("fe80::/10"));
        assertThat(linkLocal.contains("fe80:0:0:0:0:0:0:1%eth0")).isTrue();
        assertThat(linkLocal.contains("fe80::1%2")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown", "", "localhost", "127.0.0.1.example", "::1/128", "not an address"})
    void whatIsNotAnAddressIsNeverTrusted(String clientIp) {
        assertThat(TrustedNetworks.of(List.of("0.0.0.0/0", "::/0")).contains(clientIp)).as(clientIp).isFalse();
    }

    @Test
    void aBareAddressIsOneHostAndBlanksAroundAnEntryDoNotMatter() {
        TrustedNetworks one = TrustedNetworks.of(List.of(" 192.0.2.7 ", "[2001:db8::7]"));
        assertThat(one.contains("192.0.2.7")).isTrue();
        assertThat(one.contains("192.0.2.8")).isFalse();
        assertThat(one.contains("2001:db8::7")).isTrue();
        assertThat(one.toString()).isEqualTo("192.0.2.7, [2001:db8::7]");
    }

    @Test
    void noEntriesTrustNobody() {
        assertThat(TrustedNetworks.of(List.of()).isEmpty()).isTrue();
        assertThat(TrustedNetworks.none().contains("127.0.0.1")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "not-a-cidr", "::1/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0/8",
            "10.0.0.0/8/8", "10.0.0.0/eight", "mail.example.com", "fe80::1%eth0/64", "::ffff:10.0.0.0/104"})
    void aMalformedEntryIsRefusedNamingIt(String entry) {
        assertThatThrownBy(() -> TrustedNetworks.of(List.of("127.0.0.0/8", entry)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ingest.limits.trusted-networks entry 2 \"" + entry + "\"")
                .hasMessageContaining("is not an IPv4 or IPv6 network");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void anEmptyEntryIsRefused(String entry) {
        assertThatThrownBy(() -> TrustedNetworks.of(List.of(entry)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ingest.limits.trusted-networks entry 1 is empty; expected an IPv4 or IPv6 network such "
                        + "as 127.0.0.0/8 or ::1/128");
        List<String> withNull = new ArrayList<>(List.of("::1/128"));
        withNull.add(null);
        assertThatThrownBy(() -> TrustedNetworks.of(withNull)).hasMessageContaining("entry 2 is empty");
    }

    @Test
    void anOverlongEntryIsRefusedWithoutEchoingItWhole() {
        String entry = "1".repeat(100_000);
        assertThatThrownBy(() -> TrustedNetworks.of(List.of(entry)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ingest.limits.trusted-networks entry 1")
                .hasMessageContaining("100000 characters long")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
        String longestNetwork = "[0000:0000:0000:0000:0000:0000:255.255.255.255]/128";
        assertThat(TrustedNetworks.of(List.of(longestNetwork)).contains("::ffff:ffff")).isTrue();
    }

    @Test
    void atMost256EntriesAreAccepted() {
        List<String> hosts = IntStream.range(0, TrustedNetworks.MAX_ENTRIES).mapToObj(i -> "10.0." + i / 256 + "."
                + i % 256).toList();
        assertThat(TrustedNetworks.of(hosts).contains("10.0.0.255")).isTrue();

        List<String> tooMany = new ArrayList<>(hosts);
        tooMany.add("10.0.1.0");
        assertThatThrownBy(() -> TrustedNetworks.of(tooMany))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ingest.limits.trusted-networks has 257 entries, at most 256 are allowed");
        assertThatThrownBy(() -> TrustedNetworks.of(Collections.nCopies(1_000_000, "not-a-cidr")))
                .as("the length is checked before any entry is parsed")
                .hasMessageContaining("has 1000000 entries");
    }
}
