package org.securemail.ingest.inspect.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class FromHeaderTest {

    private static AuthorDomains of(String headers) {
        return FromHeader.authorDomains(headers.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void singleAddressWithDisplayNameGivesItsDomain() {
        AuthorDomains authors = of("Subject: hi\r\nFrom: \"Joe Q. Public\" <john.q.public@Example.COM>\r\n\r\nbody");

        assertThat(authors.domains()).containsExactly("example.com");
        assertThat(authors.fromFields()).isEqualTo(1);
        assertThat(authors.notes()).isEmpty();
    }

    @Test
    void bareAddrSpecAndFieldNameInAnyCase() {
        assertThat(of("FROM: user@mail.example.org\r\n").domains()).containsExactly("mail.example.org");
    }

    @Test
    void foldedFieldIsUnfolded() {
        assertThat(of("From: Some Body\r\n <some@example.net>\r\nTo: x@y.example\r\n").domains())
                .containsExactly("example.net");
    }

    @Test
    void displayNameWithAtSignAndCommaDoesNotFoolTheParser() {
        AuthorDomains authors = of("From: \"ceo@bank.example, Inc\" <phish@evil.example>\r\n");

        assertThat(authors.domains()).containsExactly("evil.example");
    }

    @Test
    void commentsAreNotAddresses() {
        assertThat(of("From: user@example.com (really ceo@bank.example)\r\n").domains())
                .containsExactly("example.com");
    }

    @Test
    void severalAddressesInOneFieldGiveEveryDistinctDomain() {
        AuthorDomains authors = of("From: a@example.com, B <b@example.org>, c@example.com\r\n");

        assertThat(authors.domains()).containsExactly("example.com", "example.org");
        assertThat(authors.notes()).anyMatch(n -> n.contains("3 addresses"));
    }

    @Test
    void severalFromFieldsGiveEveryDomain() {
        AuthorDomains authors = of("From: a@good.example\r\nSubject: x\r\nFrom: b@evil.example\r\n");

        assertThat(authors.domains()).containsExactly("good.example", "evil.example");
        assertThat(authors.fromFields()).isEqualTo(2);
    }

    @Test
    void noFromFieldGivesNoDomain() {
        AuthorDomains authors = of("Subject: x\r\nSender: s@example.com\r\n\r\nFrom: body@example.com\r\n");

        assertThat(authors.domains()).isEmpty();
        assertThat(authors.notes()).contains("no From field");
    }

    @Test
    void groupSyntaxYieldsItsMembersAndAnEmptyGroupNone() {
        assertThat(of("From: Team: a@example.com, b@example.org;\r\n").domains())
                .containsExactly("example.com", "example.org");
        assertThat(of("From: undisclosed-recipients:;\r\n").domains()).isEmpty();
    }

    @Test
    void domainLiteralsAndGarbageAreNotAuthorDomains() {
        AuthorDomains authors = of("From: a@[192.0.2.1], <<<>>>, @@@, \u0000@\u0001\r\n");

        assertThat(authors.domains()).isEmpty();
        assertThat(authors.notes()).isNotEmpty();
    }

    @Test
    void hostileHeaderSectionIsBounded() {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            headers.append("From: u@d").append(i).append(".example\r\n");
        }
        headers.append("From: ").append("(".repeat(100_000)).append("\r\n");

        AuthorDomains authors = of(headers.toString());

        assertThat(authors.domains()).hasSizeLessThanOrEqualTo(FromHeader.MAX_DOMAINS);
    }

    @Test
    void invalidUtf8IsReadAsLatin1() {
        byte[] raw = "From: Jos\u00e9 <jose@example.com>\r\n".getBytes(StandardCharsets.ISO_8859_1);

        assertThat(FromHeader.authorDomains(raw).domains()).containsExactly("example.com");
    }

    @Test
    void nullInputIsNoDomain() {
        assertThat(FromHeader.authorDomains(null).domains()).isEmpty();
    }

    @Test
    void onlyTheHeaderSectionIsReadNeverTheBody() {
        byte[] crlf = "Subject: a\r\nFrom: <a@author.example>\r\n\r\nFrom: <b@body.example>\r\n".getBytes(
                StandardCharsets.US_ASCII);
        byte[] lf = "From: <a@author.example>\n\nFrom: <b@body.example>\n".getBytes(StandardCharsets.US_ASCII);

        assertThat(FromHeader.headerSectionLength(crlf, crlf.length)).isEqualTo(38);
        assertThat(FromHeader.headerSectionLength(lf, lf.length)).isEqualTo(25);
        assertThat(FromHeader.authorDomains(crlf).domains()).containsExactly("author.example");
        assertThat(FromHeader.authorDomains(lf).domains()).containsExactly("author.example");
        // no empty line: everything up to the limit is the header section
        byte[] noBody = "From: <a@author.example>\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(FromHeader.headerSectionLength(noBody, noBody.length)).isEqualTo(noBody.length);
        // an empty header section: nothing is an author, however the body looks
        byte[] empty = "\r\nFrom: <b@body.example>\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(FromHeader.authorDomains(empty).domains()).isEmpty();
    }
}
