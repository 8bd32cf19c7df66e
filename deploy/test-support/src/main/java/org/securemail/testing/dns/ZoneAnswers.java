package org.securemail.testing.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.securemail.testing.dns.TestDnsServer.Zone;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * What a {@link TestDnsServer} knows and answers: its zones with their behaviour, the explicit records, and the
 * response message to a query (the zone's rcode, explicit or synthesized records, NODATA with an SOA, TC over UDP).
 */
final class ZoneAnswers {

    private final Map<String, Zone> zones = new ConcurrentHashMap<>();
    private volatile Zone otherZones;
    private final Map<String, List<String>> records = new ConcurrentHashMap<>();

    /** The behaviour of {@code zone}, created (answering) on first use. */
    Zone zone(String zone) {
        return zones.computeIfAbsent(normalize(zone), z -> new Zone());
    }

    /** The behaviour of names in no configured zone, created (answering) on first use; until then they are REFUSED. */
    Zone otherZones() {
        if (otherZones == null) {
            otherZones = new Zone();
        }
        return otherZones;
    }

    void record(String name, String type, String... data) {
        records.put(key(normalize(name), Type.value(type)), List.of(data));
    }

    /** The zone {@code name} is in, else the behaviour of other zones (null: REFUSED). */
    Zone zoneOf(String name) {
        Zone zone = zones.get(zoneName(name));
        return zone == null ? otherZones : zone;
    }

    static Message servfail(Message query) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.RA);
        response.getHeader().setRcode(Rcode.SERVFAIL);
        response.addRecord(query.getQuestion(), Section.QUESTION);
        return response;
    }

    Message respond(Message query, String name, Zone zone, boolean overTcp) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        Record question = query.getQuestion();
        response.addRecord(question, Section.QUESTION);
        int type = question.getType();
        try {
            if (name.isEmpty()) {
                response.addRecord(new NSRecord(Name.root, DClass.IN, 3600, Name.fromString("a.root-servers.net.")),
                        Section.ANSWER);
                return response;
            }
            if (zone == null) {
                response.getHeader().setRcode(Rcode.REFUSED);
                return response;
            }
            switch (zone.mode) {
                case SERVFAIL -> response.getHeader().setRcode(Rcode.SERVFAIL);
                case REFUSED -> response.getHeader().setRcode(Rcode.REFUSED);
                case NXDOMAIN -> {
                    response.getHeader().setRcode(Rcode.NXDOMAIN);
                    response.addRecord(soa(zoneName(name)), Section.AUTHORITY);
                }
                default -> answer(response, question, name, zone, type);
            }
            if (zone.truncate && !overTcp) {
                Message truncated = new Message(query.getHeader().getID());
                truncated.getHeader().setFlag(Flags.QR);
                truncated.getHeader().setFlag(Flags.TC);
                truncated.addRecord(question, Section.QUESTION);
                return truncated;
            }
        } catch (IOException bad) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
        }
        return response;
    }

    private void answer(Message response, Record question, String name, Zone zone, int type) throws IOException {
        Name owner = question.getName();
        List<String> explicit = records.get(key(name, type));
        if (explicit != null) {
            for (String data : explicit) {
                response.addRecord(Record.fromString(owner, type, DClass.IN, zone.ttl, data, Name.root), Section.ANSWER);
            }
            return;
        }
        int octet = 1 + Math.floorMod(name.hashCode(), 250);
        switch (type) {
            case Type.A -> response.addRecord(new ARecord(owner, DClass.IN, zone.ttl, ipv4(octet)),
                    Section.ANSWER);
            case Type.MX -> response.addRecord(new MXRecord(owner, DClass.IN, zone.ttl, 10,
                    Name.fromString("mx." + zoneName(name) + ".")), Section.ANSWER);
            case Type.TXT -> response.addRecord(new TXTRecord(owner, DClass.IN, zone.ttl, "v=spf1 -all"), Section.ANSWER);
            default -> response.addRecord(soa(zoneName(name)), Section.AUTHORITY);
        }
    }

    private static InetAddress ipv4(int octet) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) octet});
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** The longest configured zone that {@code name} is in, else its last two labels. */
    private String zoneName(String name) {
        String best = null;
        for (String zone : zones.keySet()) {
            if ((name.equals(zone) || name.endsWith("." + zone)) && (best == null || zone.length() > best.length())) {
                best = zone;
            }
        }
        if (best != null) {
            return best;
        }
        int last = name.lastIndexOf('.');
        int previous = last <= 0 ? -1 : name.lastIndexOf('.', last - 1);
        return previous < 0 ? name : name.substring(previous + 1);
    }

    private static SOARecord soa(String zone) throws TextParseException {
        Name origin = Name.fromString(zone + ".");
        return new SOARecord(origin, DClass.IN, 3600, Name.fromString("ns1." + zone + "."),
                Name.fromString("hostmaster." + zone + "."), 1, 3600, 600, 86400, 300);
    }

    private static String key(String name, int type) {
        return type + "/" + name;
    }

    static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
