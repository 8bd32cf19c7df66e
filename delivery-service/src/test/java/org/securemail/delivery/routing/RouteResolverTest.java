package org.securemail.delivery.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.common.net.NetworkPolicy;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.provisioning.NextHop;
import org.securemail.common.provisioning.TlsPolicy;
import org.securemail.delivery.smtp.NextHopAddress;
import org.securemail.dns.client.testing.FakeDnsResolver;

class RouteResolverTest {

    private static final Duration DEADLINE = Duration.ofSeconds(1);

    private final FakeDnsResolver dns = new FakeDnsResolver();
    private final DomainRoutes routes = new DomainRoutes();
    /** The tests' next hops are in 10.0.0.0/8 on any port: allowed here, refused by default (see the strict ones). */
    private final RouteResolver resolver = new RouteResolver(routes, dns, 2525, DEADLINE, true,
            NetworkPolicy.of(List.of("10.0.0.0/8"), "1-65535"));
    private final RouteResolver strict = new RouteResolver(routes, dns, 25, DEADLINE, true, NetworkPolicy.strict());

    private Route resolve(String domain) {
        return resolver.resolve(domain).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void ordersMxHostsByPreferenceAndResolvesTheirAddresses() {
        dns.answer("dest.test", DnsType.MX, "20 mx2.dest.test", "10 mx1.dest.test");
        dns.answer("mx1.dest.test", DnsType.A, "192.0.2.1");
        dns.answer("mx2.dest.test", DnsType.A, "192.0.2.2");
        dns.answer("mx2.dest.test", DnsType.AAAA, "2001:db8::2");
        dns.status("mx1.dest.test", DnsType.AAAA, DnsStatus.NODATA);

        Route route = resolve("Dest.TEST");

        assertThat(route).isInstanceOf(Route.Hosts.class);
        assertThat(((Route.Hosts) route).hops()).extracting(NextHopAddress::ip)
                .containsExactly("192.0.2.1", "192.0.2.2", "2001:db8::2");
        assertThat(((Route.Hosts) route).hops()).allMatch(h -> h.port() == 2525);
    }

    /**
     * Issue 16 item 5: the MX lookup and the address lookups after it (on the thread of the MX answer) run in the
     * subscription that carries the delivery's trace context, so the DNS client's dns.lookup spans go under it.
     */
    @Test
    void everyLookupOfARouteRunsInTheDeliverysTraceContext() throws Exception {
        dns.answer("traced.test", DnsType.MX, "10 mx1.traced.test", "20 mx2.traced.test");
        dns.answer("mx1.traced.test", DnsType.A, "10.0.0.1");
        dns.answer("mx2.traced.test", DnsType.A, "10.0.0.2");
        dns.delay("traced.test", Duration.ofMillis(50));
        io.opentelemetry.context.ContextKey<String> mark = io.opentelemetry.context.ContextKey.named("delivery");
        java.util.Map<String, String> seen = new java.util.concurrent.ConcurrentHashMap<>();
        RouteResolver traced = new RouteResolver(routes, (name, type, deadline) -> io.smallrye.mutiny.Uni.createFrom()
                .context(ctx -> {
                    seen.put(type + " " + name, String.valueOf(
                            org.securemail.common.observe.MessageTracing.parent(ctx).get(mark)));
                    return dns.resolve(name, type, deadline);
                }), 2525, DEADLINE, true, NetworkPolicy.of(List.of("10.0.0.0/8"), "1-65535"));

        java.util.concurrent.CompletableFuture<Route> done = new java.util.concurrent.CompletableFuture<>();
        traced.resolve("traced.test").subscribe().with(org.securemail.common.observe.MessageTracing.subscription(
                io.opentelemetry.context.Context.root().with(mark, "QROUTE1")), done::complete,
                done::completeExceptionally);

        assertThat(done.get(5, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(Route.Hosts.class);
        assertThat(seen).containsKeys("MX traced.test", "A mx1.traced.test", "A mx2.traced.test");
        assertThat(seen.values()).allMatch("QROUTE1"::equals);
    }

    @Test
    void usesTheDomainItselfWhenThereIsNoMx() {
        dns.status("implicit.test", DnsType.MX, DnsStatus.NODATA);
        dns.answer("implicit.test", DnsType.A, "192.0.2.9");
        dns.status("implicit.test", DnsType.AAAA, DnsStatus.NODATA);

        Route route = resolve("implicit.test");

        assertThat(((Route.Hosts) route).hops()).extracting(NextHopAddress::hostName).containsExactly("implicit.test");
    }

    @Test
    void bouncesANullMxWith5110() {
        dns.answer("nomail.test", DnsType.MX, "0 .");

        Route route = resolve("nomail.test");

        assertThat(route).isInstanceOf(Route.Permanent.class);
        assertThat(((Route.Permanent) route).reply()).contains("5.1.10");
    }

    @Test
    void bouncesAnNxdomain() {
        dns.status("does-not-exist.test", DnsType.MX, DnsStatus.NXDOMAIN);

        Route route = resolve("does-not-exist.test");

        assertThat(route).isInstanceOf(Route.Permanent.class);
        assertThat(((Route.Permanent) route).reply()).contains("5.1.2");
    }

    @Test
    void aStaleNegativeAnswerDefersNeverBounces() {
        // an NXDOMAIN or NODATA served stale (RFC 8767) while no upstream answers is old data: defer, as for a failure
        dns.put(new DnsAnswer("gone-quiet.test", DnsType.MX, DnsStatus.NXDOMAIN, List.of(), 7200,
                DnsAnswer.staleDetail(DnsStatus.NXDOMAIN, "refresh failed: timeout")));
        Route nx = resolve("gone-quiet.test");
        assertThat(nx).isInstanceOf(Route.Temporary.class);
        assertThat(((Route.Temporary) nx).reply()).startsWith("451 4.4.3").contains(DnsAnswer.STALE_DETAIL);

        // no MX (fresh NODATA), and the implicit MX's addresses only known as stale negatives
        dns.status("implicit.test", DnsType.MX, DnsStatus.NODATA);
        for (DnsType t : List.of(DnsType.A, DnsType.AAAA)) {
            dns.put(new DnsAnswer("implicit.test", t, DnsStatus.NODATA, List.of(), 7200,
                    DnsAnswer.staleDetail(DnsStatus.NODATA, "refresh failed: timeout")));
        }
        assertThat(resolve("implicit.test")).isInstanceOf(Route.Temporary.class);
    }

    @Test
    void defersOnEveryTemporaryDnsFailure() {
        for (DnsStatus status : List.of(DnsStatus.FAILED, DnsStatus.BUSY, DnsStatus.TIMEOUT)) {
            dns.status("flaky.test", DnsType.MX, status);

            Route route = resolve("flaky.test");

            assertThat(route).as(status.name()).isInstanceOf(Route.Temporary.class);
            assertThat(((Route.Temporary) route).reply()).startsWith("451 4.4.3");
        }
    }

    @Test
    void defersWhenNoDnsAnswerComesByTheDeadline() {
        long start = System.nanoTime();

        Route route = resolve("unanswered.test");

        assertThat(route).isInstanceOf(Route.Temporary.class);
        assertThat(((Route.Temporary) route).reply()).startsWith("451 4.4.3").contains("TIMEOUT");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(DEADLINE.minusMillis(100));
    }

    @Test
    void defersWhenTheMxHostAddressLookupFailsTemporarily() {
        dns.answer("dest.test", DnsType.MX, "10 mx1.dest.test");
        dns.status("mx1.dest.test", DnsType.A, DnsStatus.TIMEOUT);
        dns.status("mx1.dest.test", DnsType.AAAA, DnsStatus.TIMEOUT);

        assertThat(resolve("dest.test")).isInstanceOf(Route.Temporary.class);
    }

    @Test
    void prefersTheProvisionedRouteOfAnInboundDomain() {
        routes.apply("customer.test", new DomainRecord("customer.test", "t1", true,
                List.of(new NextHop("10.0.0.2", 2526, 20, TlsPolicy.REQUIRED),
                        new NextHop("10.0.0.1", 0, 10, TlsPolicy.NONE)),
                false, 0, false, null, 1));
        dns.answer("customer.test", DnsType.MX, "10 mx.elsewhere.test");

        Route route = resolve("customer.test");

        assertThat(((Route.Hosts) route).provisioned()).isTrue();
        assertThat(((Route.Hosts) route).hops()).containsExactly(
                new NextHopAddress("10.0.0.1", "10.0.0.1", 2525, TlsPolicy.NONE),
                new NextHopAddress("10.0.0.2", "10.0.0.2", 2526, TlsPolicy.REQUIRED));
    }

    /** Issue 12: {@code x@customer.test.} went to the MX (the suite itself) and looped for ever. */
    @Test
    void aTrailingDotUpperCaseOrUnicodeNameFindsTheProvisionedRoute() {
        routes.apply("customer.test", new DomainRecord("customer.test", "t1", true,
                List.of(new NextHop("10.0.0.1", 25, 10, TlsPolicy.NONE)), false, 0, false, null, 1));
        routes.apply("xn--bcher-kva.test", new DomainRecord("xn--bcher-kva.test", "t1", true,
                List.of(new NextHop("10.0.0.3", 25, 10, TlsPolicy.NONE)), false, 0, false, null, 1));
        dns.answer("customer.test", DnsType.MX, "10 mx.securemail.test");

        for (String name : List.of("customer.test.", "CUSTOMER.Test.", " customer.test")) {
            Route route = resolve(name);
            assertThat(((Route.Hosts) route).provisioned()).as(name).isTrue();
            assertThat(((Route.Hosts) route).hops()).extracting(NextHopAddress::ip).as(name).containsExactly("10.0.0.1");
        }
        assertThat(((Route.Hosts) resolve("Bücher.test.")).hops()).extracting(NextHopAddress::ip).containsExactly("10.0.0.3");
    }

    /** Issue 12: neither a DNS answer nor a tenant's host name is a way into the provider's own network. */
    @Test
    void anMxOrANextHopNameThatResolvesToAnInternalAddressIsNotConnectedTo() {
        dns.answer("internal.test", DnsType.MX, "10 mx.internal.test", "20 mx2.internal.test");
        dns.answer("mx.internal.test", DnsType.A, "127.0.0.1");
        dns.answer("mx.internal.test", DnsType.AAAA, "::1");
        dns.answer("mx2.internal.test", DnsType.A, "169.254.169.254");
        dns.status("mx2.internal.test", DnsType.AAAA, DnsStatus.NODATA);
        Route route = strict.resolve("internal.test").await().atMost(Duration.ofSeconds(5));
        assertThat(route).isInstanceOf(Route.Permanent.class);
        assertThat(((Route.Permanent) route).reply()).startsWith("550 5.4.4")
                .contains("does not connect to", "mx.internal.test");

        dns.answer("mixed.test", DnsType.MX, "10 mx.mixed.test");
        dns.answer("mx.mixed.test", DnsType.A, "10.1.2.3", "192.0.2.44");
        dns.status("mx.mixed.test", DnsType.AAAA, DnsStatus.NODATA);
        Route mixed = strict.resolve("mixed.test").await().atMost(Duration.ofSeconds(5));
        assertThat(((Route.Hosts) mixed).hops()).extracting(NextHopAddress::ip).containsExactly("192.0.2.44");

        routes.apply("tenant.test", new DomainRecord("tenant.test", "t1", true,
                List.of(new NextHop("relay.tenant.test", 25, 10, TlsPolicy.NONE),
                        new NextHop("10.9.9.9", 25, 20, TlsPolicy.NONE)), false, 0, false, null, 1));
        dns.answer("relay.tenant.test", DnsType.A, "192.168.1.20");
        dns.status("relay.tenant.test", DnsType.AAAA, DnsStatus.NODATA);
        Route tenant = strict.resolve("tenant.test").await().atMost(Duration.ofSeconds(5));
        assertThat(tenant).isInstanceOf(Route.Permanent.class);
        assertThat(((Route.Permanent) tenant).reply()).startsWith("550 5.4.4");
    }

    @Test
    void aTenantNextHopOnANonSmtpPortIsNotConnectedTo() {
        routes.apply("scan.test", new DomainRecord("scan.test", "t1", true,
                List.of(new NextHop("192.0.2.80", 22, 10, TlsPolicy.NONE),
                        new NextHop("192.0.2.81", 587, 20, TlsPolicy.NONE)), false, 0, false, null, 1));
        Route route = strict.resolve("scan.test").await().atMost(Duration.ofSeconds(5));
        assertThat(((Route.Hosts) route).hops()).extracting(NextHopAddress::ip, NextHopAddress::port)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("192.0.2.81", 587));

        routes.apply("scan.test", new DomainRecord("scan.test", "t1", true,
                List.of(new NextHop("192.0.2.80", 6379, 10, TlsPolicy.NONE)), false, 0, false, null, 2));
        Route refused = strict.resolve("scan.test").await().atMost(Duration.ofSeconds(5));
        assertThat(refused).isInstanceOf(Route.Permanent.class);
        assertThat(((Route.Permanent) refused).reply()).contains("port 6379");
    }

    @Test
    void aTombstoneRemovesTheProvisionedRoute() {
        routes.apply("customer.test", new DomainRecord("customer.test", "t1", true,
                List.of(new NextHop("10.0.0.1", 25, 10, TlsPolicy.NONE)), false, 0, false, null, 1));
        routes.apply("customer.test", null);
        dns.status("customer.test", DnsType.MX, DnsStatus.NXDOMAIN);

        assertThat(resolve("customer.test")).isInstanceOf(Route.Permanent.class);
    }

    @Test
    void defersMxRoutingWhenNoResolverIsWired() {
        RouteResolver withoutDns = new RouteResolver(routes, null, 25, DEADLINE, true, NetworkPolicy.strict());

        Route route = withoutDns.resolve("dest.test").await().atMost(Duration.ofSeconds(5));

        assertThat(route).isInstanceOf(Route.Temporary.class);
    }

    @Test
    void shufflesEqualPreferencesButKeepsPreferenceOrder() {
        List<Integer> prefs = List.of(10, 10, 10, 20, 5);
        for (int i = 0; i < 20; i++) {
            assertThat(RouteResolver.sortByPreference(prefs, p -> p)).containsExactly(5, 10, 10, 10, 20);
        }
    }
}
