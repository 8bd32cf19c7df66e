package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MailPathTest {

    @Test
    void parsesAddressAndParameters() {
        MailPath p = MailPath.parse("<Alice@Example.COM> SIZE=1000 body=8BITMIME SMTPUTF8");
        assertThat(p.address()).isEqualTo("Alice@Example.COM");
        assertThat(p.domain()).isEqualTo("example.com");
        assertThat(p.localPart()).isEqualTo("Alice");
        assertThat(p.parameters()).containsEntry("SIZE", "1000").containsEntry("BODY", "8BITMIME")
                .containsKey("SMTPUTF8");
    }

    @Test
    void acceptsNullSenderAndSpaceAfterColon() {
        assertThat(MailPath.parse(" <>").nullPath()).isTrue();
        assertThat(MailPath.parse("a@b.example").address()).isEqualTo("a@b.example");
    }

    @Test
    void rejectsMalformedPaths() {
        assertThat(MailPath.parse("<a@b")).isNull();
        assertThat(MailPath.parse("<no-at-sign>")).isNull();
        assertThat(MailPath.parse("<a@b..c>")).isNull();
        assertThat(MailPath.parse("<a b@c>")).isNull();
        assertThat(MailPath.parse("<a@b>x")).isNull();
    }

    @Test
    void detectsUnicodeAddresses() {
        assertThat(MailPath.parse("<jörg@example.test>").unicode()).isTrue();
        assertThat(MailPath.parse("<joerg@example.test>").unicode()).isFalse();
    }

    @Test
    void dropsObsoleteSourceRoute() {
        assertThat(MailPath.parse("<@relay.example:u@d.example>").address()).isEqualTo("u@d.example");
    }
}
