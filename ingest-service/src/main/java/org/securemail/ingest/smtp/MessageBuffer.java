package org.securemail.ingest.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of one message being received, with a hard cap: bytes past {@code limit} are counted but never
 * stored, so an oversized DATA costs no memory beyond the limit.
 */
public final class MessageBuffer {

    private final long limit;
    private byte[] bytes;
    private int length;
    private long offered;

    public MessageBuffer(long limit, int initialCapacity) {
        this.limit = limit;
        this.bytes = new byte[Math.max(256, initialCapacity)];
    }

    public void append(byte b) {
        offered++;
        if (offered > limit) {
            return;
        }
        if (length == bytes.length) {
            grow(length + 1);
        }
        bytes[length++] = b;
    }

    public void append(byte[] src, int from, int count) {
        long room = limit - offered;
        offered += count;
        int keep = (int) Math.max(0, Math.min(room, count));
        if (keep == 0) {
            return;
        }
        if (length + keep > bytes.length) {
            grow(length + keep);
        }
        System.arraycopy(src, from, bytes, length, keep);
        length += keep;
    }

    public void append(String ascii) {
        byte[] b = ascii.getBytes(StandardCharsets.UTF_8);
        append(b, 0, b.length);
    }

    private void grow(int needed) {
        long target = Math.max(needed, Math.min((long) bytes.length * 2, limit));
        bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(target, needed)));
    }

    /** True once more bytes were offered than the limit allows. */
    public boolean overflowed() {
        return offered > limit;
    }

    /** Bytes offered so far, stored or not. */
    public long offered() {
        return offered;
    }

    public int length() {
        return length;
    }

    /** A copy of exactly the stored bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }
}
