package org.securemail.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class NetworkPolicyTest {

    private final NetworkPolicy strict = NetworkPolicy.strict();

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
            "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1",
            "fd00::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe", "::127.0.0.1", "[::1]"})
    void refusesInternalAddresses(String ip) {
        assertThat(strict.allowsLiteral(ip)).as(ip).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.1", "8.8.8.8", "172.32.0.1", "2001:db8::1", "2a00:1450:4001:80b::200e",
            "::ffff:93.184.216.34"})
    void allowsPublicAddresses(String ip) {
        assertThat(strict.allowsLiteral(ip)).as(ip).isTrue();
    }

    @Test
    void aHostNameIsNeverALiteralAndIsNotLookedUp() {
        assertThat(strict.allowsLiteral("localhost")).isFalse();
        assertThat(strict.allowsLiteral("mx.example.com")).isFalse();
        assertThat(Cidr.literal("1.2.3.4.example")).isNull();
    }

    @Test
    void anOperatorCanAllowANetwork() {
        NetworkPolicy local = NetworkPolicy.of(List.of("127.0.0.0/8", "fd00:1::/32"), NetworkPolicy.SMTP_PORTS);
        assertThat(local.allowsLiteral("127.0.0.1")).isTrue();
        assertThat(local.allowsLiteral("::ffff:127.0.0.1")).isTrue();
        assertThat(local.allowsLiteral("fd00:1::5")).isTrue();
        assertThat(local.allowsLiteral("fd00:2::5")).isFalse();
        assertThat(local.allowsLiteral("10.0.0.1")).isFalse();
    }

    @Test
    void onlySmtpPortsUnlessAllowed() {
        assertThat(List.of(25, 465, 587, 2525)).allMatch(strict::allowsPort);
        assertThat(List.of(22, 80, 6379, 9092, 0, 65536)).noneMatch(strict::allowsPort);
        NetworkPolicy wide = NetworkPolicy.of(List.of(), "25, 10000-20000");
        assertThat(wide.allowsPort(15000)).isTrue();
        assertThat(wide.allowsPort(587)).isFalse();
    }

    @Test
    void badSettingsAreRefusedAtStart() {
        assertThatThrownBy(() -> NetworkPolicy.of(List.of("10.0.0.0/33"), "25")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetworkPolicy.of(List.of("intranet"), "25")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetworkPolicy.of(List.of(), "25-10")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetworkPolicy.of(List.of(), "smtp")).isInstanceOf(IllegalArgumentException.class);
    }
}
