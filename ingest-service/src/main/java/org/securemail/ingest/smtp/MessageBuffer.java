package org.securemail.ingest.smtp;

import java.util.Arrays;

/**
 * The bytes of one message being received, with a hard cap: bytes past {@code limit} are counted but never
 * stored, so an oversized DATA costs no memory beyond the limit. Memory is reserved from a shared
 * {@link MessageBudget}; when the budget is exhausted the buffer stops storing and reports {@link #starved()}.
 * The owner must call {@link #release()} once the bytes are no longer needed.
 */
public final class MessageBuffer {

    private static final MessageBudget UNLIMITED = new MessageBudget(Long.MAX_VALUE);

    private final long limit;
    private final MessageBudget budget;
    private byte[] bytes = new byte[0];
    private int length;
    private long offered;
    private long reserved;
    private boolean starved;

    public MessageBuffer(long limit, int initialCapacity) {
        this(limit, initialCapacity, UNLIMITED);
    }

    public MessageBuffer(long limit, int initialCapacity, MessageBudget budget) {
        this.limit = limit;
        this.budget = budget;
        resize(Math.max(256, initialCapacity));
    }

    public void append(byte b) {
        offered++;
        if (offered > limit || starved) {
            return;
        }
        if (length == bytes.length && !grow(length + 1)) {
            return;
        }
        bytes[length++] = b;
    }

    public void append(byte[] src, int from, int count) {
        long room = limit - offered;
        offered += count;
        int keep = (int) Math.max(0, Math.min(room, count));
        if (keep == 0 || starved) {
            return;
        }
        if (length + keep > bytes.length && !grow(length + keep)) {
            return;
        }
        System.arraycopy(src, from, bytes, length, keep);
        length += keep;
    }

    private boolean grow(int needed) {
        long target = Math.max(needed, Math.min((long) bytes.length * 2, limit));
        return resize((int) Math.min(Integer.MAX_VALUE - 16, Math.max(target, needed)));
    }

    private boolean resize(int capacity) {
        long delta = capacity - bytes.length;
        if (!budget.tryReserve(delta)) {
            starved = true;
            return false;
        }
        reserved += delta;
        bytes = Arrays.copyOf(bytes, capacity);
        return true;
    }

    /** True once more bytes were offered than the limit allows. */
    public boolean overflowed() {
        return offered > limit;
    }

    /** True when the shared budget could not hold this message. */
    public boolean starved() {
        return starved;
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

    /** Gives the memory back to the budget and drops the bytes. Idempotent. */
    public void release() {
        budget.release(reserved);
        reserved = 0;
        bytes = new byte[0];
        length = 0;
    }
}
