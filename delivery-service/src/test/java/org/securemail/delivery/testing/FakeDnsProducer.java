package org.securemail.delivery.testing;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.securemail.dns.client.DnsResolver;
import org.securemail.dns.client.fake.FakeDnsResolver;

/** Test wiring: the application's {@link DnsResolver} is the table-driven fake that tests fill. */
@ApplicationScoped
public class FakeDnsProducer {

    public static final FakeDnsResolver DNS = new FakeDnsResolver();

    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    DnsResolver dnsResolver() {
        return DNS;
    }
}
