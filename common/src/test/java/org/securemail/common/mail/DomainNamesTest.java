package org.securemail.common.mail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DomainNamesTest {

    @Test
    void lowerCasesAndDropsTheTrailingDot() {
        assertThat(DomainNames.normalise(" Mail.Example.COM. ")).contains("mail.example.com");
    }

    @Test
    void convertsUnicodeLabelsToALabels() {
        assertThat(DomainNames.normalise("bücher.example")).contains("xn--bcher-kva.example");
        assertThat(DomainNames.normalise("例え.テスト")).contains("xn--r8jz45g.xn--zckzah");
        assertThat(DomainNames.unicode("xn--bcher-kva.example")).isEqualTo("bücher.example");
    }

    @Test
    void keepsALabelsAsTheyAre() {
        assertThat(DomainNames.normalise("XN--BCHER-KVA.example")).contains("xn--bcher-kva.example");
    }

    @Test
    void rejectsWhatIsNotAHostName() {
        assertThat(DomainNames.normalise("localhost")).isEmpty();
        assertThat(DomainNames.normalise("a b.example")).isEmpty();
        assertThat(DomainNames.normalise("under_score.example")).isEmpty();
        assertThat(DomainNames.normalise("-lead.example")).isEmpty();
        assertThat(DomainNames.normalise("a..example")).isEmpty();
        assertThat(DomainNames.normalise("x".repeat(64) + ".example")).isEmpty();
        assertThat(DomainNames.normalise(("a".repeat(60) + ".").repeat(5) + "example")).isEmpty();
        assertThat(DomainNames.normalise("")).isEmpty();
        assertThat(DomainNames.normalise(null)).isEmpty();
    }
}
