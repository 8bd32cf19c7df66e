package org.securemail.ingest.inspect.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.testing.FakeDnsResolver;

/** Reads the committed fixtures under {@code src/test/resources/dkim} (see make-fixtures.sh). */
final class Fixtures {

    static final String DOMAIN = "example.org";

    private Fixtures() {
    }

    static byte[] bytes(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/dkim/" + path)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String path) {
        return new String(bytes(path), StandardCharsets.ISO_8859_1);
    }

    /** The TXT value published for a selector of the real-signer fixtures. */
    static String keyRecord(String selector) {
        return text("real/" + selector + ".txt").strip();
    }

    /** A resolver publishing every real-signer key at {@code <selector>._domainkey.example.org}. */
    static FakeDnsResolver realKeys() {
        FakeDnsResolver dns = new FakeDnsResolver();
        for (String selector : List.of("rsa2048", "rsa1024", "weak512", "ed25519")) {
            dns.answer(selector + "._domainkey." + DOMAIN, DnsType.TXT, keyRecord(selector));
        }
        return dns;
    }

    /** The RFC 8463 §A.2 key records. */
    static FakeDnsResolver rfc8463Keys() {
        FakeDnsResolver dns = new FakeDnsResolver();
        for (String line : text("rfc8463-a2.txt").strip().split("\n")) {
            String[] parts = line.strip().split(" ", 2);
            dns.answer(parts[0] + "._domainkey.football.example.com", DnsType.TXT, parts[1]);
        }
        return dns;
    }

    /** A clock one minute after the (first) t= of the message, so that regenerated fixtures need no code change. */
    static Clock clockAfterSigning(byte[] message) {
        Matcher t = Pattern.compile("\\bt=(\\d+)").matcher(new String(message, StandardCharsets.ISO_8859_1));
        if (!t.find()) {
            throw new IllegalStateException("fixture has no t=");
        }
        return Clock.fixed(Instant.ofEpochSecond(Long.parseLong(t.group(1)) + 60), ZoneOffset.UTC);
    }

    static String crlf(String lfText) {
        return lfText.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
