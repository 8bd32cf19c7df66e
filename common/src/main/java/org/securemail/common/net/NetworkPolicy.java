package org.securemail.common.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Where the suite may open an SMTP connection on a tenant's or a DNS answer's behalf (issue 12: a next hop is
 * otherwise a way to reach, and scan, the provider's own network). Refused unless an operator allows the network:
 * loopback, private (RFC 1918, IPv6 ULA), shared (RFC 6598), link-local, multicast, unspecified, broadcast, and the
 * IPv6 forms that embed such an IPv4 address. Ports: the SMTP ones unless an operator allows more.
 *
 * @param allowedNetworks networks an operator allows despite the rules above (the local stack: 127.0.0.0/8)
 * @param allowedPorts    ports a tenant's next hop may use, as single ports or ranges {@code low-high}
 */
public record NetworkPolicy(List<Cidr> allowedNetworks, List<int[]> allowedPorts) {

    /** SMTP (25), submissions (465), submission (587) and the usual alternative (2525). */
    public static final String SMTP_PORTS = "25,465,587,2525";

    private static final List<Cidr> FORBIDDEN = List.of(
            Cidr.parse("0.0.0.0/8"), Cidr.parse("10.0.0.0/8"), Cidr.parse("100.64.0.0/10"), Cidr.parse("127.0.0.0/8"),
            Cidr.parse("169.254.0.0/16"), Cidr.parse("172.16.0.0/12"), Cidr.parse("192.168.0.0/16"),
            Cidr.parse("224.0.0.0/4"), Cidr.parse("240.0.0.0/4"), // multicast; reserved and broadcast
            Cidr.parse("::/128"), Cidr.parse("::1/128"), Cidr.parse("fc00::/7"), Cidr.parse("fe80::/10"),
            Cidr.parse("ff00::/8"));

    public NetworkPolicy {
        allowedNetworks = List.copyOf(allowedNetworks);
        allowedPorts = List.copyOf(allowedPorts);
    }

    /** From configuration: comma-separated networks and comma-separated ports or ranges. */
    public static NetworkPolicy of(List<String> networks, String ports) {
        List<Cidr> nets = networks.stream().filter(s -> !s.isBlank()).map(Cidr::parse).toList();
        List<int[]> ranges = Arrays.stream(ports.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(NetworkPolicy::portRange).toList();
        return new NetworkPolicy(nets, ranges);
    }

    /** No network allowed beyond the public ones, SMTP ports only. */
    public static NetworkPolicy strict() {
        return of(List.of(), SMTP_PORTS);
    }

    public boolean allows(InetAddress address) {
        for (Cidr allowed : allowedNetworks) {
            if (allowed.contains(address)) {
                return true;
            }
        }
        InetAddress embedded = embeddedIpv4(address);
        if (embedded != address) {
            return allows(embedded); // ::ffff:127.0.0.1 is 127.0.0.1
        }
        for (Cidr forbidden : FORBIDDEN) {
            if (forbidden.contains(address)) {
                return false;
            }
        }
        return true;
    }

    /** For an IP literal; false for anything else (a host name is checked once resolved, by the caller). */
    public boolean allowsLiteral(String ip) {
        byte[] bytes = Cidr.literal(ip);
        try {
            return bytes != null && allows(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public boolean allowsPort(int port) {
        for (int[] range : allowedPorts) {
            if (port >= range[0] && port <= range[1]) {
                return true;
            }
        }
        return false;
    }

    /** The IPv4 address inside an IPv4-mapped ({@code ::ffff:a.b.c.d}) or NAT64 ({@code 64:ff9b::/96}) address. */
    private static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] a = address.getAddress();
        boolean mapped = allZero(a, 0, 10) && a[10] == (byte) 0xff && a[11] == (byte) 0xff;
        boolean nat64 = a[0] == 0 && a[1] == 0x64 && a[2] == (byte) 0xff && a[3] == (byte) 0x9b && allZero(a, 4, 12);
        boolean compatible = allZero(a, 0, 12) && !allZero(a, 12, 16) && !(allZero(a, 12, 15) && a[15] == 1);
        if (!mapped && !nat64 && !compatible) {
            return address;
        }
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(a, 12, 16));
        } catch (UnknownHostException e) {
            return address;
        }
    }

    private static boolean allZero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int[] portRange(String text) {
        int dash = text.indexOf('-');
        try {
            int low = Integer.parseInt(dash < 0 ? text : text.substring(0, dash).trim());
            int high = dash < 0 ? low : Integer.parseInt(text.substring(dash + 1).trim());
            if (low < 1 || high > 65535 || low > high) {
                throw new IllegalArgumentException("port range out of 1-65535: " + text);
            }
            return new int[] {low, high};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port or range: " + text);
        }
    }
}
