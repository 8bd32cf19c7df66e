package org.securemail.ingest.inspect.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrganizationalDomainTest {

    @ParameterizedTest
    @CsvSource({
            "example.com, example.com",
            "a.b.c.example.com, example.com",
            "mail.example.co.uk, example.co.uk",
            "example.co.uk, example.co.uk",
            "co.uk, co.uk",
            "www.city.kawasaki.jp, city.kawasaki.jp",
            "host.unknowntld, host.unknowntld",
            "a.b.host.unknowntld, host.unknowntld",
            "a.b.host.test, host.test",
            "a.b.github.io, b.github.io"})
    void publicSuffixPlusOneLabel(String name, String organizational) {
        assertThat(OrganizationalDomain.of(name)).isEqualTo(organizational);
    }
}
