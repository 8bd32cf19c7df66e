package org.securemail.ingest.inspect.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.securemail.ingest.inspect.net.IpAddress;
import org.securemail.ingest.inspect.net.IpLiterals;

/** Macros (RFC 7208 §7), with the examples of §7.4. */
class MacroExpanderTest {

    private static final IpAddress V4 = IpAddress.ofBytes(new byte[] {(byte) 192, 0, 2, 3});
    private static final IpAddress V6 = IpAddress.ofBytes(IpLiterals.parseV6("2001:db8::cb01"));
    private static final MacroContext EXAMPLE = new MacroContext("strong-bad@email.example.com", "strong-bad",
            "email.example.com", "email.example.com", V4, "mx.example.org", "mx.example.org", "mx.receiver.example",
            1_000_000_000L);

    private static String record(String text) throws SpfSyntaxException {
        return MacroExpander.expand(MacroString.parse(text, MacroString.Kind.RECORD), EXAMPLE);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "%{s},     strong-bad@email.example.com",
        "%{o},     email.example.com",
        "%{d},     email.example.com",
        "%{d4},    email.example.com",
        "%{d3},    email.example.com",
        "%{d2},    example.com",
        "%{d1},    com",
        "%{dr},    com.example.email",
        "%{d2r},   example.email",
        "%{l},     strong-bad",
        "%{l-},    strong.bad",
        "%{lr},    strong-bad",
        "%{lr-},   bad.strong",
        "%{l1r-},  strong",
    })
    void expandsTheSection74LetterExamples(String macro, String expected) throws Exception {
        assertThat(record(macro)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "%{ir}.%{v}._spf.%{d2},                  3.2.0.192.in-addr._spf.example.com",
        "%{lr-}.lp._spf.%{d2},                   bad.strong.lp._spf.example.com",
        "%{lr-}.lp.%{ir}.%{v}._spf.%{d2},        bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
        "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2},       3.2.0.192.in-addr.strong.lp._spf.example.com",
        "%{d2}.trusted-domains.example.net,      example.com.trusted-domains.example.net",
    })
    void expandsTheSection74DomainSpecExamples(String spec, String expected) throws Exception {
        assertThat(MacroExpander.expandDomain(MacroString.domainSpec(spec), EXAMPLE)).isEqualTo(expected);
    }

    @Test
    void expandsTheSection74Ipv6Example() throws Exception {
        MacroContext v6 = new MacroContext("strong-bad@email.example.com", "strong-bad", "email.example.com",
                "email.example.com", V6, "mx.example.org", "mx.example.org", "unknown", 0);

        String expanded = MacroExpander.expandDomain(MacroString.domainSpec("%{ir}.%{v}._spf.%{d2}"), v6);

        assertThat(expanded).isEqualTo("1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6"
                + "._spf.example.com");
    }

    @Test
    void escapesMacrosWithUpperCaseLetters() throws Exception {
        MacroContext plus = new MacroContext("user+tag@example.com", "user+tag", "example.com", "example.com", V4,
                "h", "unknown", "unknown", 0);

        assertThat(MacroExpander.expand(MacroString.parse("%{L}/%{l}", MacroString.Kind.RECORD), plus))
                .isEqualTo("user%2Btag/user+tag");
        assertThat(record("%{S}")).isEqualTo("strong-bad%40email.example.com");
    }

    @Test
    void expandsThePercentEscapes() throws Exception {
        assertThat(record("100%%-%--%_end")).isEqualTo("100%-%20- end");
    }

    @Test
    void expandsTheExplanationOnlyLetters() throws Exception {
        MacroString text = MacroString.parse("%{c} is not allowed by %{r} at %{t}; helo %{h}, ptr %{p}",
                MacroString.Kind.EXPLANATION);

        assertThat(MacroExpander.expand(text, EXAMPLE)).isEqualTo(
                "192.0.2.3 is not allowed by mx.receiver.example at 1000000000; helo mx.example.org, ptr mx.example.org");
    }

    @Test
    void theCMacroWritesIpv6InItsShortForm() throws Exception {
        MacroContext v6 = EXAMPLE.withDomain("email.example.com");
        v6 = new MacroContext(v6.sender(), v6.localPart(), v6.senderDomain(), v6.domain(), V6, v6.helo(),
                v6.validatedName(), v6.receiver(), v6.timestamp());

        assertThat(MacroExpander.expand(MacroString.parse("%{c}", MacroString.Kind.EXPLANATION), v6))
                .isEqualTo("2001:db8::cb01");
    }

    @Test
    void aDigitTransformerLargerThanThePartsKeepsThemAll() throws Exception {
        assertThat(record("%{d99999999999}")).isEqualTo("email.example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"%{c}", "%{r}", "%{t}"})
    void explanationOnlyLettersAreSyntaxErrorsInRecords(String macro) {
        assertThatThrownBy(() -> MacroString.parse(macro, MacroString.Kind.RECORD))
                .isInstanceOf(SpfSyntaxException.class).hasMessageContaining("only in explanations");
    }

    @ParameterizedTest
    @ValueSource(strings = {"%{x}", "%{d0}", "%{d2x}", "%{}", "%{d", "%(ir)", "50%", "%{ir!}", "a b"})
    void malformedMacroStringsAreSyntaxErrors(String text) {
        assertThatThrownBy(() -> MacroString.parse(text, MacroString.Kind.RECORD))
                .isInstanceOf(SpfSyntaxException.class);
    }

    @Test
    void aDomainSpecMustEndInATopLabelOrAMacro() throws Exception {
        assertThat(MacroString.domainSpec("%{d}").text()).isEqualTo("%{d}");
        assertThat(MacroString.domainSpec("example.com.").text()).isEqualTo("example.com.");
        assertThat(MacroString.domainSpec("foo.1-2").text()).isEqualTo("foo.1-2");
        assertThatThrownBy(() -> MacroString.domainSpec("example.123")).isInstanceOf(SpfSyntaxException.class);
        assertThatThrownBy(() -> MacroString.domainSpec("example.-com")).isInstanceOf(SpfSyntaxException.class);
        assertThatThrownBy(() -> MacroString.domainSpec("localhost")).isInstanceOf(SpfSyntaxException.class);
    }

    @Test
    void anExpandedDomainOver253CharactersLosesLabelsOnTheLeft() throws Exception {
        String local = "a".repeat(60) + "." + "b".repeat(60) + "." + "c".repeat(60) + "." + "d".repeat(60);
        MacroContext longLocal = new MacroContext(local + "@example.com", local, "example.com", "example.com", V4,
                "h", "unknown", "unknown", 0);

        String expanded = MacroExpander.expandDomain(MacroString.domainSpec("%{l}._spf.example.com"), longLocal);

        assertThat(expanded).hasSizeLessThanOrEqualTo(253)
                .isEqualTo("b".repeat(60) + "." + "c".repeat(60) + "." + "d".repeat(60) + "._spf.example.com");
    }

    @Test
    void anExpansionPastTheBoundIsAnErrorNotAHugeString() throws Exception {
        MacroString many = MacroString.parse("%{s}".repeat(400), MacroString.Kind.RECORD);

        assertThatThrownBy(() -> MacroExpander.expand(many, EXAMPLE)).isInstanceOf(SpfSyntaxException.class);
    }
}
