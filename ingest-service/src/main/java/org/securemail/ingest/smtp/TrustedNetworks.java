package org.securemail.ingest.smtp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.securemail.common.net.Cidr;

/**
 * Client networks exempt from the per-address connection limit (Postfix {@code mynetworks}; issue 15): a load
 * generator or an internal relay may open more sessions from one address. Nothing else is lifted: their connections
 * still take slots of the total and of their listener, and every session limit applies to them.
 *
 * <p>Parsed once, at start-up: an entry that is not an IPv4 or IPv6 network, or a list longer than
 * {@link #MAX_ENTRIES}, stops the service with a message naming it; no entry is skipped.
 */
public final class TrustedNetworks {

    /** The configuration key, for the messages. */
    public static final String KEY = "ingest.limits.trusted-networks";

    /** Entries allowed: each connection is matched against all of them. */
    public static final int MAX_ENTRIES = 256;

    /** Longer than any network in text: the longest, {@code [0000:...:0000:255.255.255.255]/128}, has 51. */
    static final int MAX_ENTRY_LENGTH = 64;

    private static final TrustedNetworks NONE = new TrustedNetworks(List.of(), List.of());

    private final List<Cidr> networks;
    private final List<String> written;

    private TrustedNetworks(List<Cidr> networks, List<String> written) {
        this.networks = networks;
        this.written = written;
    }

    /** No network trusted: the per-address limit applies to everyone. */
    public static TrustedNetworks none() {
        return NONE;
    }

    /**
     * From the configured entries, e.g. {@code 127.0.0.0/8} and {@code ::1/128}; a bare address is a single host.
     *
     * @throws IllegalArgumentException naming the first bad entry, or the size of a list that is too long
     */
    public static TrustedNetworks of(List<String> entries) {
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException(KEY + " has " + entries.size() + " entries, at most " + MAX_ENTRIES
                    + " are allowed: list whole networks (10.0.0.0/8), not single addresses");
        }
        if (entries.isEmpty()) {
            return NONE;
        }
        List<Cidr> networks = new ArrayList<>(entries.size());
        List<String> written = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i) == null ? "" : entries.get(i).trim();
            networks.add(parse(entry, i + 1));
            written.add(entry);
        }
        return new TrustedNetworks(List.copyOf(networks), List.copyOf(written));
    }

    private static Cidr parse(String entry, int position) {
        String where = KEY + " entry " + position;
        if (entry.isEmpty()) {
            throw new IllegalArgumentException(where + " is empty; expected an IPv4 or IPv6 network such as "
                    + "127.0.0.0/8 or ::1/128");
        }
        if (entry.length() > MAX_ENTRY_LENGTH) {
            throw new IllegalArgumentException(where + " \"" + entry.substring(0, MAX_ENTRY_LENGTH) + "...\" is "
                    + entry.length() + " characters long, longer than any IP network");
        }
        try {
            return Cidr.parse(entry);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " \"" + entry + "\" is not an IPv4 or IPv6 network ("
                    + e.getMessage() + "); expected e.g. 127.0.0.0/8 or ::1/128, prefix 0-32 for IPv4, 0-128 for IPv6",
                    e);
        }
    }

    public boolean isEmpty() {
        return networks.isEmpty();
    }

    /**
     * Whether a connection from {@code clientIp} (an address as the socket gives it, possibly with an IPv6 zone,
     * {@code fe80::1%eth0}) is trusted. An IPv4-mapped address ({@code ::ffff:127.0.0.1}) is its IPv4 address;
     * anything that is not an IP literal is not trusted.
     */
    public boolean contains(String clientIp) {
        if (networks.isEmpty() || clientIp == null) {
            return false;
        }
        int zone = clientIp.indexOf('%');
        byte[] bytes = Cidr.literal(zone < 0 ? clientIp : clientIp.substring(0, zone));
        if (bytes == null) {
            return false;
        }
        InetAddress address;
        try {
            address = InetAddress.getByAddress(bytes); // 16 bytes of ::ffff:a.b.c.d give the IPv4 address
        } catch (UnknownHostException e) {
            return false;
        }
        for (Cidr network : networks) {
            if (network.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The entries as configured, for the start-up log. */
    @Override
    public String toString() {
        return String.join(", ", written);
    }
}
