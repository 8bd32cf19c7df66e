package org.securemail.provisioning.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@value #HEADER} header (Stripe's scheme): {@code t=<unix seconds>,v1=<hex HMAC-SHA256>}, the MAC taken with
 * the endpoint's secret (its UTF-8 bytes, {@code whsec_...} included) over {@code "<t>.<body>"}. While a rotated
 * secret is still valid the header carries one {@code v1=} per secret. A receiver recomputes the MAC with its secret,
 * compares in constant time with every {@code v1=}, and refuses a {@code t} further than its tolerance (5 minutes)
 * from its clock, so a captured request cannot be replayed later; {@link #verify} is that check.
 */
public final class WebhookSignature {

    public static final String HEADER = "Securemail-Signature";
    /** What receivers should accept between {@code t} and their clock. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private WebhookSignature() {
    }

    /** The header value for {@code body} sent at {@code at}, signed with each of {@code secrets}. */
    public static String header(Instant at, String body, List<String> secrets) {
        long t = at.getEpochSecond();
        StringBuilder out = new StringBuilder("t=").append(t);
        for (String secret : secrets) {
            out.append(",v1=").append(HexFormat.of().formatHex(mac(secret, t, body)));
        }
        return out.toString();
    }

    /**
     * The receiver's check: true when {@code header} has a {@code t} within {@code tolerance} of {@code now} and a
     * {@code v1} that is the MAC of {@code t.body} under {@code secret}.
     */
    public static boolean verify(String header, String body, String secret, Instant now, Duration tolerance) {
        if (header == null) {
            return false;
        }
        Long t = null;
        List<String> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String name = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (name.equals("t")) {
                try {
                    t = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    return false;
                }
            } else if (name.equals("v1")) {
                signatures.add(value);
            }
        }
        if (t == null || Math.abs(now.getEpochSecond() - t) > tolerance.toSeconds()) {
            return false;
        }
        byte[] expected = mac(secret, t, body);
        for (String s : signatures) {
            byte[] given;
            try {
                given = HexFormat.of().parseHex(s);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (MessageDigest.isEqual(expected, given)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] mac(String secret, long t, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
