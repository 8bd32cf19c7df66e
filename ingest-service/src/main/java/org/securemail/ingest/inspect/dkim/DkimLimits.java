package org.securemail.ingest.inspect.dkim;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds on the work one message can cause. A message or signature past a bound gets a result saying so
 * ({@code neutral} for resource bounds, {@code permerror} for oversized signature fields), never an exception.
 *
 * @param maxSignatures           DKIM-Signature fields evaluated per message; later ones are reported as not evaluated
 * @param maxHeaderFields         header fields read per message
 * @param maxHeaderSectionBytes   bytes of header section read per message
 * @param maxSignatureFieldBytes  size of one DKIM-Signature field
 * @param maxSignedHeaders        entries in one signature's {@code h=} list
 * @param maxMessageBytes         size of a message whose signatures are evaluated at all
 * @param maxKeyRecords           TXT records tried per key lookup (RFC 6376 §3.6.2.2 lets the verifier cycle)
 * @param maxKeyRecordBytes       size of one key record; larger ones are ignored
 * @param maxRsaKeyBits           largest RSA modulus verified (RFC 8301 §3.2 requires 1024 to 4096)
 * @param keyLookupDeadline       deadline of each key lookup through the DNS service
 * @param clockSkew               how far in the future {@code t=} may be before the signature is refused
 */
public record DkimLimits(int maxSignatures, int maxHeaderFields, int maxHeaderSectionBytes,
        int maxSignatureFieldBytes, int maxSignedHeaders, long maxMessageBytes, int maxKeyRecords,
        int maxKeyRecordBytes, int maxRsaKeyBits, Duration keyLookupDeadline, Duration clockSkew) {

    public DkimLimits {
        positive(maxSignatures, "maxSignatures");
        positive(maxHeaderFields, "maxHeaderFields");
        positive(maxHeaderSectionBytes, "maxHeaderSectionBytes");
        positive(maxSignatureFieldBytes, "maxSignatureFieldBytes");
        positive(maxSignedHeaders, "maxSignedHeaders");
        positive(maxMessageBytes, "maxMessageBytes");
        positive(maxKeyRecords, "maxKeyRecords");
        positive(maxKeyRecordBytes, "maxKeyRecordBytes");
        if (maxRsaKeyBits < 1024) {
            throw new IllegalArgumentException("maxRsaKeyBits must be at least 1024: " + maxRsaKeyBits);
        }
        Objects.requireNonNull(keyLookupDeadline, "keyLookupDeadline");
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (keyLookupDeadline.isNegative() || keyLookupDeadline.isZero() || clockSkew.isNegative()) {
            throw new IllegalArgumentException("keyLookupDeadline must be positive and clockSkew not negative");
        }
    }

    /** 8 signatures, 1000 fields / 1 MiB of header, 16 KiB signatures, 64 MiB messages, 5 s lookups, 5 min skew. */
    public static DkimLimits defaults() {
        return new DkimLimits(8, 1000, 1 << 20, 16 * 1024, 128, 64L << 20, 4, 8 * 1024, 8192,
                Duration.ofSeconds(5), Duration.ofMinutes(5));
    }

    public DkimLimits withMaxSignatures(int value) {
        return new DkimLimits(value, maxHeaderFields, maxHeaderSectionBytes, maxSignatureFieldBytes, maxSignedHeaders,
                maxMessageBytes, maxKeyRecords, maxKeyRecordBytes, maxRsaKeyBits, keyLookupDeadline, clockSkew);
    }

    public DkimLimits withMaxHeaderFields(int value) {
        return new DkimLimits(maxSignatures, value, maxHeaderSectionBytes, maxSignatureFieldBytes, maxSignedHeaders,
                maxMessageBytes, maxKeyRecords, maxKeyRecordBytes, maxRsaKeyBits, keyLookupDeadline, clockSkew);
    }

    public DkimLimits withMaxMessageBytes(long value) {
        return new DkimLimits(maxSignatures, maxHeaderFields, maxHeaderSectionBytes, maxSignatureFieldBytes,
                maxSignedHeaders, value, maxKeyRecords, maxKeyRecordBytes, maxRsaKeyBits, keyLookupDeadline, clockSkew);
    }

    public DkimLimits withKeyLookupDeadline(Duration value) {
        return new DkimLimits(maxSignatures, maxHeaderFields, maxHeaderSectionBytes, maxSignatureFieldBytes,
                maxSignedHeaders, maxMessageBytes, maxKeyRecords, maxKeyRecordBytes, maxRsaKeyBits, value, clockSkew);
    }

    private static void positive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
