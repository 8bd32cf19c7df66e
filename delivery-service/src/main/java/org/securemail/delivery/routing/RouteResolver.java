package org.securemail.delivery.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import io.netty.util.NetUtil;
import io.smallrye.mutiny.Uni;
import org.securemail.common.dns.DnsAnswer;
import org.securemail.common.dns.DnsRecordData;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.common.mail.DomainNames;
import org.securemail.common.net.NetworkPolicy;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.provisioning.NextHop;
import org.securemail.common.provisioning.TlsPolicy;
import org.securemail.delivery.smtp.NextHopAddress;
import org.securemail.dns.client.DnsResolver;

/**
 * Finds the next hops of a destination domain: the provisioned route of an inbound domain, else the MX of the
 * domain per RFC 5321 §5.1 (preference order, equal preferences shuffled, implicit MX, null MX per RFC 7505).
 * A temporary DNS failure gives {@link Route.Temporary}, never a bounce.
 */
public class RouteResolver {

    private final DomainRoutes routes;
    private final NetworkPolicy network;
    private final DnsResolver dns;
    private final int defaultPort;
    private final Duration deadline;
    private final boolean ipv6;

    /** @param dns null when no resolver is wired: MX routing then defers (provisioned IP routes still work) */
    public RouteResolver(DomainRoutes routes, DnsResolver dns, int defaultPort, Duration deadline, boolean ipv6,
            NetworkPolicy network) {
        this.network = network;
        this.routes = routes;
        this.dns = dns;
        this.defaultPort = defaultPort;
        this.deadline = deadline;
        this.ipv6 = ipv6;
    }

    public Uni<Route> resolve(String domain) {
        String name = DomainNames.canonical(domain);
        if (name.isEmpty()) {
            return Uni.createFrom().item(new Route.Permanent("550 5.1.3 bad recipient address syntax"));
        }
        return routes.inboundRoute(name)
                .map(this::provisioned)
                .orElseGet(() -> mx(name));
    }

    private Uni<Route> provisioned(DomainRecord record) {
        List<NextHop> hops = sortByPreference(record.nextHops(), NextHop::preference);
        List<Uni<Found>> lookups = new ArrayList<>();
        for (NextHop hop : hops) {
            TlsPolicy tls = hop.tls() == null ? TlsPolicy.OPPORTUNISTIC : hop.tls();
            if (hop.port() > 0 && !network.allowsPort(hop.port())) {
                lookups.add(Uni.createFrom().item(Found.refused("port " + hop.port())));
                continue;
            }
            lookups.add(addresses(hop.host(), hop.port() > 0 ? hop.port() : defaultPort, tls));
        }
        if (lookups.isEmpty()) {
            return Uni.createFrom().item(new Route.Temporary("451 4.4.3 no next hop for " + record.name()));
        }
        return Uni.join().all(lookups).andFailFast().map(found -> {
            List<NextHopAddress> all = new ArrayList<>();
            found.forEach(f -> all.addAll(f.addresses));
            if (!all.isEmpty()) {
                return new Route.Hosts(all, true);
            }
            return found.stream().allMatch(f -> f.refused != null)
                    ? refused(record.name(), found)
                    : new Route.Temporary("451 4.4.3 no address found for the next hops of " + record.name());
        });
    }

    /** Every next hop was in a network or on a port the suite may not reach (issue 12): nothing will change that. */
    private static Route refused(String domain, List<Found> found) {
        String what = found.stream().map(f -> f.refused).filter(r -> r != null).distinct().limit(3)
                .reduce((x, y) -> x + ", " + y).orElse("");
        return new Route.Permanent("550 5.4.4 the next hops of " + domain
                + " are in networks or on ports this service does not connect to (" + what + ")");
    }

    private Uni<Route> mx(String domain) {
        if (dns == null) {
            return Uni.createFrom().item(new Route.Temporary("451 4.4.3 no DNS resolver is configured for MX routing"));
        }
        return dns.resolve(domain, DnsType.MX, deadline).flatMap(answer -> {
            if (answer.status().usable()) {
                return fromMx(domain, answer);
            }
            if (answer.status() == DnsStatus.NODATA) {
                // RFC 5321 §5.1: no MX, use the domain itself as an implicit MX of preference 0
                return addresses(domain, defaultPort, TlsPolicy.OPPORTUNISTIC).map(found -> {
                    if (!found.addresses.isEmpty()) {
                        return new Route.Hosts(found.addresses, false);
                    }
                    if (found.refused != null) {
                        return refused(domain, List.of(found));
                    }
                    return found.temporary
                            ? new Route.Temporary("451 4.4.3 Host or domain name not found. Name service error for name="
                                    + domain + " type=A: " + found.detail)
                            : new Route.Permanent("550 5.1.2 Host or domain name not found. Name service error for name="
                                    + domain + " type=A: Host not found");
                });
            }
            if (answer.status() == DnsStatus.NXDOMAIN && answer.stale()) {
                // old data served while no upstream answers: never a reason to bounce (RFC 8767 §5)
                return Uni.createFrom().item(temporary(domain, DnsType.MX, answer));
            }
            if (answer.status() == DnsStatus.NXDOMAIN) {
                return Uni.createFrom().item(new Route.Permanent(
                        "550 5.1.2 Host or domain name not found. Name service error for name=" + domain
                                + " type=MX: Host not found"));
            }
            return Uni.createFrom().item(temporary(domain, DnsType.MX, answer));
        });
    }

    private Uni<Route> fromMx(String domain, DnsAnswer answer) {
        List<Mx> mxs = new ArrayList<>();
        for (DnsRecordData record : answer.records()) {
            String[] parts = record.data().trim().split("\\s+");
            if (parts.length < 2) {
                continue;
            }
            try {
                String host = parts[1].toLowerCase(Locale.ROOT);
                mxs.add(new Mx(Integer.parseInt(parts[0]), host.endsWith(".") ? host.substring(0, host.length() - 1) : host));
            } catch (NumberFormatException ignored) {
                // a malformed record is skipped
            }
        }
        if (mxs.size() == 1 && mxs.get(0).host.isEmpty()) {
            return Uni.createFrom().item(new Route.Permanent(
                    "550 5.1.10 recipient domain " + domain + " does not accept mail (null MX, RFC 7505)"));
        }
        mxs.removeIf(mx -> mx.host.isEmpty());
        if (mxs.isEmpty()) {
            return Uni.createFrom().item(new Route.Permanent("550 5.4.4 no usable MX host for " + domain));
        }
        List<Mx> ordered = sortByPreference(mxs, Mx::preference);
        List<Uni<Found>> lookups = ordered.stream()
                .map(mx -> addresses(mx.host, defaultPort, TlsPolicy.OPPORTUNISTIC)).toList();
        return Uni.join().all(lookups).andFailFast().map(found -> {
            List<NextHopAddress> all = new ArrayList<>();
            boolean temporary = false;
            String detail = null;
            for (Found f : found) {
                all.addAll(f.addresses);
                temporary |= f.temporary;
                detail = detail == null ? f.detail : detail;
            }
            if (!all.isEmpty()) {
                return new Route.Hosts(all, false);
            }
            if (found.stream().allMatch(f -> f.refused != null)) {
                return refused(domain, found);
            }
            return temporary
                    ? new Route.Temporary("451 4.4.3 no address for any MX host of " + domain + ": " + detail)
                    : new Route.Permanent("550 5.4.4 no MX host of " + domain + " has an address");
        });
    }

    private record Mx(int preference, String host) {
    }

    /** @param refused what was refused by the {@link NetworkPolicy} when nothing else was found, or null */
    private record Found(List<NextHopAddress> addresses, boolean temporary, String detail, String refused) {

        static Found refused(String what) {
            return new Found(List.of(), false, null, what);
        }
    }

    /** A and (optionally) AAAA of {@code host}, or the literal itself. */
    private Uni<Found> addresses(String host, int port, TlsPolicy tls) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (NetUtil.isValidIpV4Address(bare) || NetUtil.isValidIpV6Address(bare)) {
            return Uni.createFrom().item(network.allowsLiteral(bare)
                    ? new Found(List.of(new NextHopAddress(bare, bare, port, tls)), false, null, null)
                    : Found.refused(bare));
        }
        if (dns == null) {
            return Uni.createFrom().item(new Found(List.of(), true, "no DNS resolver is configured", null));
        }
        Uni<DnsAnswer> a = dns.resolve(bare, DnsType.A, deadline);
        Uni<DnsAnswer> aaaa = ipv6 ? dns.resolve(bare, DnsType.AAAA, deadline)
                : Uni.createFrom().item(new DnsAnswer(bare, DnsType.AAAA, DnsStatus.NODATA, List.of(), 0, null));
        return Uni.combine().all().unis(a, aaaa).asTuple().map(t -> {
            List<NextHopAddress> found = new ArrayList<>();
            String refused = null;
            boolean temporary = false;
            String detail = null;
            for (DnsAnswer answer : List.of(t.getItem1(), t.getItem2())) {
                if (answer.status().usable()) {
                    for (var r : answer.records()) {
                        String ip = r.data().trim();
                        if (network.allowsLiteral(ip)) {
                            found.add(new NextHopAddress(bare, ip, port, tls));
                        } else {
                            refused = bare + " (" + ip + ")";
                        }
                    }
                } else if (answer.status().temporary() || answer.stale()) {
                    temporary = true;
                    detail = answer.type() + " " + answer.status() + (answer.detail() == null ? "" : " (" + answer.detail() + ")");
                }
            }
            boolean onlyRefused = found.isEmpty() && !temporary && refused != null;
            return new Found(found, temporary && found.isEmpty(), detail, onlyRefused ? refused : null);
        });
    }

    private static Route temporary(String domain, DnsType type, DnsAnswer answer) {
        return new Route.Temporary("451 4.4.3 Host or domain name not found. Name service error for name=" + domain
                + " type=" + type + ": " + answer.status()
                + (answer.detail() == null ? "" : " (" + answer.detail() + ")"));
    }

    /** Sorted by preference; equal preferences in random order (RFC 5321 §5.1). */
    static <T> List<T> sortByPreference(List<T> items, Function<T, Integer> preference) {
        Map<Integer, List<T>> byPreference = new LinkedHashMap<>();
        items.stream().sorted(Comparator.comparing(preference))
                .forEach(i -> byPreference.computeIfAbsent(preference.apply(i), k -> new ArrayList<>()).add(i));
        List<T> result = new ArrayList<>();
        byPreference.values().forEach(group -> {
            Collections.shuffle(group, ThreadLocalRandom.current());
            result.addAll(group);
        });
        return result;
    }
}
