package org.securemail.ingest.inspect.dkim;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A usable public key from a key record (RFC 6376 §3.6.1, RFC 8463 §4.2).
 *
 * @param type    {@code k=}
 * @param key     the decoded public key
 * @param testing {@code t=y}
 * @param strict  {@code t=s}: i= must be in exactly d=, not a subdomain
 */
record DkimKey(SignatureAlgorithm.KeyType type, PublicKey key, boolean testing, boolean strict) {

    /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), to which the raw 32-octet key is appended. */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03,
            0x21, 0x00};

    /**
     * Parses one TXT record into a key for {@code algorithm}, or throws {@link DkimFailure} (permerror) saying why the
     * record is unusable: bad syntax, wrong version, key type or hash, not for email, revoked, or a weak RSA key.
     */
    static DkimKey parse(String record, SignatureAlgorithm algorithm, DkimLimits limits) {
        if (record.length() > limits.maxKeyRecordBytes()) {
            throw DkimFailure.permerror("key record longer than " + limits.maxKeyRecordBytes() + " bytes");
        }
        TagList tags = TagList.parse(record);
        if (tags.has("v")) {
            if (!tags.order().get(0).equals("v") || !tags.required("v").equals("DKIM1")) {
                throw DkimFailure.permerror("key record v= is not a leading DKIM1");
            }
        }
        if (tags.has("h") && !list(tags.required("h")).contains("sha256")) {
            throw DkimFailure.permerror("key record h= does not allow sha256");
        }
        SignatureAlgorithm.KeyType type = switch (tags.get("k").orElse("rsa").toLowerCase(Locale.ROOT)) {
            case "rsa" -> SignatureAlgorithm.KeyType.RSA;
            case "ed25519" -> SignatureAlgorithm.KeyType.ED25519;
            default -> throw DkimFailure.permerror("unknown key type k=" + TagList.shorten(tags.required("k")));
        };
        if (type != algorithm.keyType()) {
            throw DkimFailure.permerror("key type k=" + type.name().toLowerCase(Locale.ROOT) + " does not match a="
                    + algorithm.token());
        }
        List<String> services = list(tags.get("s").orElse("*"));
        if (!services.contains("*") && !services.contains("email")) {
            throw DkimFailure.permerror("key is not for email (s=" + TagList.shorten(tags.required("s")) + ")");
        }
        List<String> flags = list(tags.get("t").orElse(""));
        String p = TagList.stripFws(tags.required("p"));
        if (p.isEmpty()) {
            throw DkimFailure.permerror("key revoked (empty p=)");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(p);
        } catch (IllegalArgumentException e) {
            throw DkimFailure.permerror("key p= is not base64");
        }
        PublicKey key = type == SignatureAlgorithm.KeyType.RSA ? rsa(der, limits) : ed25519(der);
        return new DkimKey(type, key, flags.contains("y"), flags.contains("s"));
    }

    /** SubjectPublicKeyInfo as published by nearly everyone, or the bare RSAPublicKey that §3.6.1 names. */
    private static PublicKey rsa(byte[] der, DkimLimits limits) {
        RSAPublicKey key;
        try {
            KeyFactory factory = KeyFactory.getInstance("RSA");
            try {
                key = (RSAPublicKey) factory.generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException | ClassCastException spkiFailed) {
                org.bouncycastle.asn1.pkcs.RSAPublicKey pkcs1 =
                        org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(der);
                key = (RSAPublicKey) factory.generatePublic(
                        new RSAPublicKeySpec(pkcs1.getModulus(), pkcs1.getPublicExponent()));
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw DkimFailure.permerror("key p= is not an RSA public key");
        }
        int bits = key.getModulus().bitLength();
        if (bits < 1024) {
            throw DkimFailure.permerror("RSA key of " + bits + " bits is below 1024 (RFC 8301)");
        }
        if (bits > limits.maxRsaKeyBits()) {
            throw DkimFailure.permerror("RSA key of " + bits + " bits is above " + limits.maxRsaKeyBits());
        }
        if (key.getPublicExponent().compareTo(BigInteger.ONE) <= 0) {
            throw DkimFailure.permerror("RSA key has a bad exponent");
        }
        return key;
    }

    /** RFC 8463 §4.2: p= is the raw 32-octet public key. */
    private static PublicKey ed25519(byte[] raw) {
        if (raw.length != 32) {
            throw DkimFailure.permerror("ed25519 key p= is not 32 octets");
        }
        byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + 32);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, 32);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw DkimFailure.permerror("key p= is not an ed25519 public key");
        }
    }

    private static List<String> list(String value) {
        return Arrays.stream(TagList.stripFws(value).split(":"))
                .map(s -> s.toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
