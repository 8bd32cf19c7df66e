package org.securemail.provisioning.testing;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.securemail.common.dns.DnsStatus;
import org.securemail.dns.client.DnsResolver;
import org.securemail.dns.client.testing.FakeDnsResolver;

/**
 * Test wiring: the API's {@link DnsResolver} is the table-driven fake that tests fill (the real path, through the
 * DNS service, is covered by {@code StackIT}). Names a test said nothing about do not exist (NXDOMAIN).
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
