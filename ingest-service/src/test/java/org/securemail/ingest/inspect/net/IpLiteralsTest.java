package org.securemail.ingest.inspect.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Address literals of A/AAAA data, and the readable form of addresses (RFC 5952). */
class IpLiteralsTest {

    @ParameterizedTest
    @CsvSource({
        "192.0.2.1, 192.0.2.1",
        "2001:db8::1, 2001:db8::1",
        "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "::, ::",
        "::1, ::1",
        "2001:db8:1:2:3:4:567:89ab, 2001:db8:1:2:3:4:567:89ab",
        "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
    })
    void literalsParseAndReadInTheirShortestForm(String literal, String readable) {
        byte[] bytes = IpLiterals.parse(literal);

        assertThat(bytes).isNotNull();
        assertThat(IpAddress.exactly(bytes).readable()).isEqualTo(readable);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "host.example", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "1:2:3:4:5:6:7:8:9",
        "1::2::3", "12345::", "g::1", "::1.2.3", "1.2.3.4\u0000", "[::1]", "fe80::1%eth0", "\u0661.2.3.4"})
    void anythingElseIsNotAnAddress(String text) {
        assertThat(IpLiterals.parse(text)).isNull();
    }

    @Test
    void whitespaceAroundRecordDataIsIgnored() {
        assertThat(IpLiterals.parse(" 192.0.2.1\t")).containsExactly(192, 0, 2, 1);
    }

    @Test
    void spfLiteralsRefuseLeadingZerosThatRecordDataMayHave() {
        assertThat(IpLiterals.parseV4("192.0.2.01")).isNull();
        assertThat(IpLiterals.parseV4("192.0.2.01", true)).containsExactly(192, 0, 2, 1);
        assertThat(IpLiterals.parse("192.0.2.01")).containsExactly(192, 0, 2, 1);
    }

    @Test
    void ipv6HexDigitsAreAsciiOnly() {
        assertThat(IpLiterals.parseV6("2001:db8::\uff11")).isNull();
        assertThat(IpLiterals.parseV6("2001:db8::\u0661")).isNull();
        assertThat(IpLiterals.parseV6("2001:DB8::A")).isNotNull();
    }
}
