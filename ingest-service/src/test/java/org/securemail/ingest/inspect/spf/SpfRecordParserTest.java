package org.securemail.ingest.inspect.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The record grammar of RFC 7208 §4.5, §4.6 and §12. */
class SpfRecordParserTest {

    @Test
    void selectsVersionOneRecordsCaseInsensitively() {
        assertThat(SpfRecordParser.isSpfRecord("v=spf1 -all")).isTrue();
        assertThat(SpfRecordParser.isSpfRecord("V=SPF1 -all")).isTrue();
        assertThat(SpfRecordParser.isSpfRecord("v=spf1")).isTrue();
    }

    @Test
    void discardsOtherVersionsAndTextThatMerelyStartsAlike() {
        assertThat(SpfRecordParser.isSpfRecord("v=spf10 -all")).isFalse();
        assertThat(SpfRecordParser.isSpfRecord("spf2.0/pra -all")).isFalse();
        assertThat(SpfRecordParser.isSpfRecord(" v=spf1 -all")).isFalse();
        assertThat(SpfRecordParser.isSpfRecord("google-site-verification=abc")).isFalse();
    }

    @Test
    void parsesEveryMechanismWithQualifiersInOrder() throws Exception {
        SpfRecord record = SpfRecordParser.parse("v=spf1 +all -include:_spf.example.net ~a ?mx ptr "
                + "ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{i}.bl.example.org");

        assertThat(record.directives()).extracting(Directive::qualifier).containsExactly(Qualifier.PASS,
                Qualifier.FAIL, Qualifier.SOFTFAIL, Qualifier.NEUTRAL, Qualifier.PASS, Qualifier.PASS,
                Qualifier.PASS, Qualifier.PASS);
        assertThat(record.directives()).extracting(d -> d.mechanism().getClass().getSimpleName())
                .containsExactly("All", "Include", "A", "Mx", "Ptr", "Ip4", "Ip6", "Exists");
        assertThat(record.directives().get(1).text()).isEqualTo("-include:_spf.example.net");
    }

    @Test
    void mechanismNamesAreCaseInsensitive() throws Exception {
        SpfRecord record = SpfRecordParser.parse("v=spf1 MX IP4:192.0.2.1 -ALL");

        assertThat(record.directives()).extracting(d -> d.mechanism().getClass().getSimpleName())
                .containsExactly("Mx", "Ip4", "All");
    }

    @Test
    void readsDualCidrLengthsOfAAndMx() throws Exception {
        SpfRecord record = SpfRecordParser.parse("v=spf1 a/24 mx:example.org/30//64 a//48 mx");

        assertThat(record.directives().get(0).mechanism()).isEqualTo(new Mechanism.A(null, 24, 128));
        Mechanism.Mx mx = (Mechanism.Mx) record.directives().get(1).mechanism();
        assertThat(mx.domain().text()).isEqualTo("example.org");
        assertThat(mx.prefix4()).isEqualTo(30);
        assertThat(mx.prefix6()).isEqualTo(64);
        assertThat(record.directives().get(2).mechanism()).isEqualTo(new Mechanism.A(null, 32, 48));
        assertThat(record.directives().get(3).mechanism()).isEqualTo(new Mechanism.Mx(null, 32, 128));
    }

    @Test
    void readsIpNetworksAndTheirPrefixes() throws Exception {
        SpfRecord record = SpfRecordParser.parse("v=spf1 ip4:192.0.2.128/28 ip6:2001:db8::cb01 ip4:10.0.0.1");

        Mechanism.Ip4 ip4 = (Mechanism.Ip4) record.directives().get(0).mechanism();
        assertThat(ip4.network()).containsExactly(192, 0, 2, 128);
        assertThat(ip4.prefix()).isEqualTo(28);
        assertThat(((Mechanism.Ip6) record.directives().get(1).mechanism()).prefix()).isEqualTo(128);
        assertThat(((Mechanism.Ip4) record.directives().get(2).mechanism()).prefix()).isEqualTo(32);
    }

    @Test
    void keepsRedirectAndExpAndIgnoresUnknownModifiersWherever() throws Exception {
        SpfRecord record = SpfRecordParser.parse("v=spf1 exp=explain._spf.%{d} moo=cow mx "
                + "redirect=_spf.example.com x-custom.v2=%{l}");

        assertThat(record.exp().text()).isEqualTo("explain._spf.%{d}");
        assertThat(record.redirect().text()).isEqualTo("_spf.example.com");
        assertThat(record.directives()).hasSize(1);
    }

    @Test
    void toleratesRunsOfSpacesAndTrailingSpaces() throws Exception {
        SpfRecord record = SpfRecordParser.parse("v=spf1   a    -all   ");

        assertThat(record.directives()).hasSize(2);
    }

    @Test
    void anEmptyRecordHasNoTerms() throws Exception {
        SpfRecord record = SpfRecordParser.parse("v=spf1");

        assertThat(record.directives()).isEmpty();
        assertThat(record.redirect()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "v=spf1 foo -all",                      // unknown mechanism
        "v=spf1 a:example.com:80",              // domain-spec ending in a number
        "v=spf1 include",                       // include without a domain
        "v=spf1 include:",                      // empty domain
        "v=spf1 exists",                        // exists without a domain
        "v=spf1 all:example.com",               // all takes no argument
        "v=spf1 -",                             // a lone qualifier
        "v=spf1 ptr/24",                        // ptr takes no CIDR
        "v=spf1 =foo",                          // a modifier without a name
        "v=spf1 -redirect=example.com",         // a modifier with a qualifier
        "v=spf1 a:192.0.2.1",                   // the top label is all digits
        "v=spf1 mx:example.com/",               // empty CIDR
    })
    void termsOutsideTheGrammarArePermerrors(String record) {
        assertThatThrownBy(() -> SpfRecordParser.parse(record)).isInstanceOf(SpfSyntaxException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "v=spf1 ip4:192.0.2.0/33",
        "v=spf1 ip4:192.0.2.0/024",
        "v=spf1 ip6:2001:db8::/129",
        "v=spf1 a/33",
        "v=spf1 a//129",
        "v=spf1 mx/-1",
        "v=spf1 ip4:192.0.2.0/",
        "v=spf1 ip4:192.0.2.0/2a",
    })
    void badCidrLengthsArePermerrors(String record) {
        assertThatThrownBy(() -> SpfRecordParser.parse(record)).isInstanceOf(SpfSyntaxException.class)
                .hasMessageContaining("CIDR");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "v=spf1 ip4:192.0.2",
        "v=spf1 ip4:192.0.2.256",
        "v=spf1 ip4:192.0.02.1",
        "v=spf1 ip4:example.com",
        "v=spf1 ip6:192.0.2.1",
        "v=spf1 ip6:2001:db8::1::2",
        "v=spf1 ip6:2001:db8:0:0:0:0:0:0:1",
        "v=spf1 ip6:12345::",
    })
    void badIpNetworksArePermerrors(String record) {
        assertThatThrownBy(() -> SpfRecordParser.parse(record)).isInstanceOf(SpfSyntaxException.class)
                .hasMessageContaining("network");
    }

    @Test
    void aDuplicateRedirectIsAPermerror() {
        assertThatThrownBy(() -> SpfRecordParser.parse("v=spf1 redirect=a.example.com redirect=b.example.com"))
                .isInstanceOf(SpfSyntaxException.class).hasMessageContaining("redirect");
    }

    @Test
    void aDuplicateExpIsAPermerror() {
        assertThatThrownBy(() -> SpfRecordParser.parse("v=spf1 -all exp=a.example.com EXP=b.example.com"))
                .isInstanceOf(SpfSyntaxException.class).hasMessageContaining("exp");
    }

    @Test
    void aBadMacroEvenInAnUnknownModifierIsAPermerror() {
        assertThatThrownBy(() -> SpfRecordParser.parse("v=spf1 -all moo=%(ir)"))
                .isInstanceOf(SpfSyntaxException.class);
        assertThatThrownBy(() -> SpfRecordParser.parse("v=spf1 -exists:%(ir).sbl.example.org"))
                .isInstanceOf(SpfSyntaxException.class);
    }

    @Test
    void controlAndNonAsciiCharactersArePermerrors() {
        assertThatThrownBy(() -> SpfRecordParser.parse("v=spf1 a\t-all")).isInstanceOf(SpfSyntaxException.class);
        assertThatThrownBy(() -> SpfRecordParser.parse("v=spf1 a:exämple.com -all"))
                .isInstanceOf(SpfSyntaxException.class);
    }

    @Test
    void aRecordPastTheLengthBoundIsRefusedWithoutParsingIt() {
        String huge = "v=spf1" + " ip4:192.0.2.1".repeat(400);

        assertThatThrownBy(() -> SpfRecordParser.parse(huge)).isInstanceOf(SpfSyntaxException.class)
                .hasMessageContaining("4096");
    }

    @Test
    void modifierLikeTermsWithAMechanismNameAreUnknownModifiers() throws Exception {
        SpfRecord record = SpfRecordParser.parse("v=spf1 include=example.com -all");

        assertThat(record.directives()).hasSize(1);
    }
}
