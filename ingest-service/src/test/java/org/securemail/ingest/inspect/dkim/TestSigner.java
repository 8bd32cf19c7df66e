package org.securemail.ingest.inspect.dkim;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Signs test messages with the committed fixture keys, for the policy cases the real signers cannot produce (x=,
 * future t=, foreign i=, odd tags). The crypto and canonicalisation of the verifier are proven separately against
 * the real signers' fixtures and the RFC 8463 example, so reusing them here is not circular for what these tests
 * check.
 */
final class TestSigner {

    private static final byte[] ED25519_PKCS8_PREFIX = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b,
            0x65, 0x70, 0x04, 0x22, 0x04, 0x20};

    private TestSigner() {
    }

    /**
     * Prepends a DKIM-Signature with {@code tags} (everything but bh= and b=, e.g. {@code v=1; a=rsa-sha256; ...;
     * h=from:subject}) signed with the fixture key of {@code selector}.
     */
    static String sign(String message, String selector, String tags) {
        byte[] raw = message.getBytes(StandardCharsets.ISO_8859_1);
        DkimLimits limits = DkimLimits.defaults();
        ParsedMessage parsed = ParsedMessage.parse(raw, limits);
        TagList list = TagList.parse(tags);
        Canonicalization bodyCanon = Canonicalization.SIMPLE;
        String c = list.get("c").orElse("simple/simple");
        if (c.contains("/")) {
            bodyCanon = Canonicalization.parse(c.substring(c.indexOf('/') + 1));
        }
        long limit = list.get("l").map(Long::parseLong).orElse(Long.MAX_VALUE);
        byte[] bh = BodyHasher.hash(raw, parsed.bodyStart(), bodyCanon, limit).digest();
        String unsigned = "DKIM-Signature: " + tags + ";\r\n bh=" + Base64.getEncoder().encodeToString(bh)
                + ";\r\n b=";
        byte[] withField = (unsigned + "AAAA\r\n" + message).getBytes(StandardCharsets.ISO_8859_1);
        ParsedMessage signedMessage = ParsedMessage.parse(withField, limits);
        DkimSignature signature = DkimSignature.parse(signedMessage.headers().get(0), limits);
        byte[] data = SignedData.headerData(signedMessage.headers(), signature);
        return unsigned + Base64.getEncoder().encodeToString(sign(selector, signature.algorithm(), data)) + "\r\n"
                + message;
    }

    private static byte[] sign(String selector, SignatureAlgorithm algorithm, byte[] data) {
        try {
            if (algorithm == SignatureAlgorithm.ED25519_SHA256) {
                byte[] seed = Base64.getDecoder().decode(Fixtures.text("real/ed25519.private").strip());
                byte[] pkcs8 = new byte[ED25519_PKCS8_PREFIX.length + 32];
                System.arraycopy(ED25519_PKCS8_PREFIX, 0, pkcs8, 0, ED25519_PKCS8_PREFIX.length);
                System.arraycopy(seed, 0, pkcs8, ED25519_PKCS8_PREFIX.length, 32);
                PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                Signature signer = Signature.getInstance("Ed25519");
                signer.initSign(key);
                signer.update(BodyHasher.sha256().digest(data));
                return signer.sign();
            }
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(rsaKey(selector));
            signer.update(data);
            return signer.sign();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey rsaKey(String selector) throws Exception {
        try (PEMParser parser = new PEMParser(new StringReader(Fixtures.text("real/" + selector + ".private")))) {
            Object pem = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (pem instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            return converter.getPrivateKey((PrivateKeyInfo) pem);
        }
    }
}
