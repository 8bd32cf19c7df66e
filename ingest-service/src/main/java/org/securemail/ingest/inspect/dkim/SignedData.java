package org.securemail.ingest.inspect.dkim;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The header hash input of a signature (RFC 6376 §3.7, §5.4.2) and the check of b= over it. */
final class SignedData {

    private SignedData() {
    }

    /**
     * The canonicalised fields named by {@code h=}, each picked from the bottom up (a name listed twice takes the
     * next instance above; a name with no instance left adds nothing, which is how over-signing works), then the
     * signature field itself with its b= value emptied and no final CRLF. The signature's own field is never picked
     * for an {@code h=} entry: it did not exist when it was signed.
     */
    static byte[] headerData(List<HeaderField> headers, DkimSignature signature) {
        StringBuilder data = new StringBuilder();
        Map<String, Integer> cursors = new HashMap<>();
        for (String name : signature.signedHeaders()) {
            String key = name.toLowerCase(Locale.ROOT);
            int below = cursors.getOrDefault(key, headers.size());
            int found = -1;
            for (int i = below - 1; i >= 0; i--) {
                HeaderField field = headers.get(i);
                if (field != signature.field() && field.named(name)) {
                    found = i;
                    break;
                }
            }
            if (found >= 0) {
                data.append(signature.headerCanon().header(headers.get(found))).append("\r\n");
                cursors.put(key, found);
            } else {
                cursors.put(key, 0);
            }
        }
        HeaderField field = signature.field();
        HeaderField unsigned = new HeaderField(field.name(), withoutSignatureValue(field.text()));
        data.append(signature.headerCanon().header(unsigned));
        return data.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The field with the value of its b= tag (with the whitespace around it) deleted, all else kept as received. */
    static String withoutSignatureValue(String text) {
        int colon = text.indexOf(':');
        StringBuilder out = new StringBuilder(text.length()).append(text, 0, colon + 1);
        int start = colon + 1;
        while (start <= text.length()) {
            int end = text.indexOf(';', start);
            if (end < 0) {
                end = text.length();
            }
            String spec = text.substring(start, end);
            int eq = spec.indexOf('=');
            if (eq >= 0 && TagList.trimFws(spec.substring(0, eq)).equals("b")) {
                out.append(spec, 0, eq + 1);
            } else {
                out.append(spec);
            }
            if (end < text.length()) {
                out.append(';');
            }
            start = end + 1;
        }
        return out.toString();
    }

    /** True when {@code b=} is a valid signature of {@code data} under {@code key}. */
    static boolean verify(DkimKey key, SignatureAlgorithm algorithm, byte[] data, byte[] signatureValue) {
        try {
            Signature verifier;
            byte[] signed;
            if (algorithm == SignatureAlgorithm.ED25519_SHA256) {
                // RFC 8463 §3: Ed25519 (PureEdDSA) over the SHA-256 hash of the canonicalised data
                verifier = Signature.getInstance("Ed25519");
                MessageDigest sha256 = BodyHasher.sha256();
                signed = sha256.digest(data);
            } else {
                verifier = Signature.getInstance("SHA256withRSA");
                signed = data;
            }
            verifier.initVerify(key.key());
            verifier.update(signed);
            return verifier.verify(signatureValue);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
