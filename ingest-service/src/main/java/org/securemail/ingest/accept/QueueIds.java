package org.securemail.ingest.accept;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Queue ids in the spirit of Postfix long queue ids: a time part and a random part in an alphabet without
 * look-alike characters, unique across replicas and restarts (also the Kafka key of the message).
 */
public final class QueueIds {

    private static final char[] ALPHABET = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long NODE = RANDOM.nextLong() & 0xFFFFFFFFL;
    private static final AtomicLong SEQ = new AtomicLong(RANDOM.nextInt());

    private QueueIds() {
    }

    public static String next() {
        StringBuilder sb = new StringBuilder(24);
        encode(sb, System.currentTimeMillis(), 8);
        encode(sb, NODE, 6);
        encode(sb, SEQ.incrementAndGet() & 0xFFFFFFFFL, 6);
        return sb.toString();
    }

    private static void encode(StringBuilder sb, long value, int digits) {
        char[] out = new char[digits];
        long v = value;
        for (int i = digits - 1; i >= 0; i--) {
            out[i] = ALPHABET[(int) Long.remainderUnsigned(v, ALPHABET.length)];
            v = Long.divideUnsigned(v, ALPHABET.length);
        }
        sb.append(out);
    }
}
