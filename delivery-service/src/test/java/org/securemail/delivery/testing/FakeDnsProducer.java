package org.securemail.delivery.testing;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.securemail.common.dns.DnsStatus;
import org.securemail.dns.client.DnsResolver;
import org.securemail.dns.client.testing.FakeDnsResolver;

/**
 * Test wiring: the application's {@link DnsResolver} is the table-driven fake that tests fill. Names a test did not
 * give an answer for do not exist (NXDOMAIN), e.g. the AAAA of an MX host given only an A record: without that, each
 * such lookup would wait for the whole {@code delivery.dns.deadline}.
 */
@ApplicationScoped
public class FakeDnsProducer {

    public static final FakeDnsResolver DNS = new FakeDnsResolver().otherwise(DnsStatus.NXDOMAIN);

    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    DnsResolver dnsResolver() {
        return DNS;
    }
}
