package org.securemail.ingest.inspect.dkim;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * A syntactically valid DKIM-Signature field (RFC 6376 §3.5).
 *
 * @param field         the field as received
 * @param algorithm     {@code a=}
 * @param signature     {@code b=}, decoded
 * @param bodyHash      {@code bh=}, decoded
 * @param headerCanon   header half of {@code c=}
 * @param bodyCanon     body half of {@code c=}
 * @param domain        {@code d=}, lower case
 * @param selector      {@code s=}, lower case
 * @param signedHeaders {@code h=}, in order
 * @param identity      {@code i=}, or {@code @d}
 * @param bodyLength    {@code l=}
 * @param timestamp     {@code t=}, seconds since the epoch ({@link Long#MAX_VALUE} past 12 digits)
 * @param expiry        {@code x=}, likewise
 */
record DkimSignature(HeaderField field, SignatureAlgorithm algorithm, byte[] signature, byte[] bodyHash,
        Canonicalization headerCanon, Canonicalization bodyCanon, String domain, String selector,
        List<String> signedHeaders, String identity, OptionalLong bodyLength, OptionalLong timestamp,
        OptionalLong expiry) {

    /** What can be read of a field even when it is not a valid signature, for the result record. */
    record Labels(String domain, String selector, String algorithm, String identity, String headerB) {
    }

    /** Parses {@code field}; throws {@link DkimFailure} (permerror) when it is not a valid signature. */
    static DkimSignature parse(HeaderField field, DkimLimits limits) {
        if (field.text().length() > limits.maxSignatureFieldBytes()) {
            throw DkimFailure.permerror("signature field longer than " + limits.maxSignatureFieldBytes() + " bytes");
        }
        TagList tags = TagList.parse(field.value());
        String version = tags.required("v");
        if (!version.equals("1")) {
            throw DkimFailure.permerror("unsupported version v=" + TagList.shorten(version));
        }
        SignatureAlgorithm algorithm = SignatureAlgorithm.parse(tags.required("a"));
        byte[] signature = base64(tags.required("b"), "b");
        byte[] bodyHash = base64(tags.required("bh"), "bh");
        if (bodyHash.length != 32) {
            throw DkimFailure.permerror("bh= is not a SHA-256 hash");
        }
        String domain = DomainNames.requireDomain(tags.required("d"), "d");
        String selector = DomainNames.requireDomain(tags.required("s"), "s");
        List<String> signedHeaders = signedHeaders(tags.required("h"), limits);
        Canonicalization[] canon = canonicalization(tags.get("c").orElse("simple/simple"));
        String identity = identity(tags.get("i").orElse("@" + domain), domain);
        OptionalLong bodyLength = tags.has("l") ? OptionalLong.of(number(tags.required("l"), "l", 76))
                : OptionalLong.empty();
        OptionalLong timestamp = tags.has("t") ? OptionalLong.of(number(tags.required("t"), "t", 12))
                : OptionalLong.empty();
        OptionalLong expiry = tags.has("x") ? OptionalLong.of(number(tags.required("x"), "x", 12))
                : OptionalLong.empty();
        if (timestamp.isPresent() && expiry.isPresent() && expiry.getAsLong() <= timestamp.getAsLong()) {
            throw DkimFailure.permerror("x= is not after t=");
        }
        if (tags.has("q")) {
            queryMethods(tags.required("q"));
        }
        return new DkimSignature(field, algorithm, signature, bodyHash, canon[0], canon[1], domain, selector,
                signedHeaders, identity, bodyLength, timestamp, expiry);
    }

    /** Reads the labels for a result without judging validity; never throws. */
    static Labels labels(HeaderField field) {
        TagList tags;
        try {
            tags = TagList.parse(field.value());
        } catch (DkimFailure e) {
            return new Labels("", "", "", "", "");
        }
        String domain = tags.get("d").map(d -> d.toLowerCase(Locale.ROOT)).map(TagList::shorten).orElse("");
        String identity = tags.get("i").map(TagList::shorten).orElse(domain.isEmpty() ? "" : "@" + domain);
        String b = TagList.stripFws(tags.get("b").orElse(""));
        return new Labels(domain,
                tags.get("s").map(s -> s.toLowerCase(Locale.ROOT)).map(TagList::shorten).orElse(""),
                tags.get("a").map(a -> a.toLowerCase(Locale.ROOT)).map(TagList::shorten).orElse(""),
                identity, b.length() <= 8 ? b : b.substring(0, 8));
    }

    private static Canonicalization[] canonicalization(String value) {
        String[] parts = value.split("/", -1);
        if (parts.length > 2) {
            throw DkimFailure.permerror("bad c= " + TagList.shorten(value));
        }
        Canonicalization header = Canonicalization.parse(parts[0]);
        Canonicalization body = parts.length == 2 ? Canonicalization.parse(parts[1]) : Canonicalization.SIMPLE;
        return new Canonicalization[] {header, body};
    }

    private static List<String> signedHeaders(String value, DkimLimits limits) {
        List<String> names = new ArrayList<>();
        boolean from = false;
        for (String raw : TagList.stripFws(value).split(":", -1)) {
            if (raw.isEmpty() || raw.chars().anyMatch(c -> c < 0x21 || c > 0x7E)) {
                throw DkimFailure.permerror("bad header field name in h=");
            }
            if (names.size() == limits.maxSignedHeaders()) {
                throw DkimFailure.permerror("h= lists more than " + limits.maxSignedHeaders() + " fields");
            }
            names.add(raw);
            from |= raw.equalsIgnoreCase("from");
        }
        if (!from) {
            throw DkimFailure.permerror("h= does not include From (RFC 6376 §5.4)");
        }
        return List.copyOf(names);
    }

    /** §3.5 i=: [local-part] "@" domain, where the domain is d= or a subdomain of it. */
    private static String identity(String value, String domain) {
        int at = value.lastIndexOf('@');
        if (at < 0) {
            throw DkimFailure.permerror("i= has no @");
        }
        String identityDomain = value.substring(at + 1).toLowerCase(Locale.ROOT);
        if (!DomainNames.isSameOrSubdomain(identityDomain, domain)) {
            throw DkimFailure.permerror("i= domain " + TagList.shorten(identityDomain) + " is not within d=" + domain);
        }
        return value;
    }

    private static void queryMethods(String value) {
        for (String method : TagList.stripFws(value).split(":", -1)) {
            String m = method.toLowerCase(Locale.ROOT);
            if (m.equals("dns/txt") || m.equals("dns")) {
                return;
            }
        }
        throw DkimFailure.permerror("q= has no dns/txt");
    }

    /** Digits; a value longer than {@code maxDigits} is refused, one past 18 digits saturates at Long.MAX_VALUE. */
    static long number(String value, String tag, int maxDigits) {
        if (value.isEmpty() || value.length() > maxDigits || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            if (value.length() > maxDigits && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                // RFC 6376 §3.5 t=/x=: a value longer than 12 digits MAY be taken as infinite
                return Long.MAX_VALUE;
            }
            throw DkimFailure.permerror("bad " + tag + "= value");
        }
        return value.length() > 18 ? Long.MAX_VALUE : Long.parseLong(value);
    }

    static byte[] base64(String value, String tag) {
        String compact = TagList.stripFws(value);
        if (compact.isEmpty()) {
            throw DkimFailure.permerror(tag + "= is empty");
        }
        try {
            return Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException e) {
            throw DkimFailure.permerror(tag + "= is not base64");
        }
    }
}
