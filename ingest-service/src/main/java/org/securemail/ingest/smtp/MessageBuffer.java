package org.securemail.ingest.smtp;

import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of one message being received, with a hard cap: bytes past {@code limit} are counted but never
 * stored, so an oversized DATA costs no memory beyond the limit.
 *
 * <p>Memory is reserved from a shared {@link MessageBudget} as the data arrives, never for a declared size: the bytes
 * are kept in chunks of 1 KiB, doubling up to 64 KiB, each reserved when it is allocated, so a message holds at most
 * its own size plus one chunk (a thousand sessions trickling their first line hold about a megabyte). When the budget
 * is exhausted the buffer stops storing and reports {@link #starved()}. The owner must call {@link #release()} once
 * the bytes are no longer needed.
 */
public final class MessageBuffer {

    static final int FIRST_CHUNK = 1024;
    static final int MAX_CHUNK = 64 * 1024;

    private static final MessageBudget UNLIMITED = new MessageBudget(Long.MAX_VALUE);

    private final long limit;
    private final MessageBudget budget;
    private final List<byte[]> chunks = new ArrayList<>();
    private byte[] current;
    private int used; // bytes used in current
    private long length;
    private long offered;
    private long reserved;
    private boolean starved;

    public MessageBuffer(long limit) {
        this(limit, UNLIMITED);
    }

    public MessageBuffer(long limit, MessageBudget budget) {
        this.limit = limit;
        this.budget = budget;
    }

    public void append(byte b) {
        offered++;
        if (offered > limit || starved) {
            return;
        }
        if ((current == null || used == current.length) && !nextChunk()) {
            return;
        }
        current[used++] = b;
        length++;
    }

    public void append(byte[] src, int from, int count) {
        long room = limit - offered;
        offered += count;
        int keep = (int) Math.max(0, Math.min(room, count));
        while (keep > 0 && !starved) {
            if ((current == null || used == current.length) && !nextChunk()) {
                return;
            }
            int n = Math.min(keep, current.length - used);
            System.arraycopy(src, from, current, used, n);
            used += n;
            length += n;
            from += n;
            keep -= n;
        }
    }

    /** Allocates and reserves the next chunk; false (and starved) when the budget cannot hold it. */
    private boolean nextChunk() {
        int size = current == null ? FIRST_CHUNK : Math.min(MAX_CHUNK, current.length * 2);
        size = (int) Math.max(1, Math.min(size, limit - length));
        if (!budget.tryReserve(size)) {
            starved = true;
            return false;
        }
        reserved += size;
        current = new byte[size];
        used = 0;
        chunks.add(current);
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

    /** Bytes stored. */
    public long length() {
        return length;
    }

    /** Bytes reserved from the budget for this message (the stored bytes and the unused rest of the last chunk). */
    public long reserved() {
        return reserved;
    }

    /** A copy of exactly the stored bytes. */
    public byte[] toByteArray() {
        byte[] all = new byte[(int) length];
        int at = 0;
        for (byte[] chunk : chunks) {
            int n = (int) Math.min(chunk.length, length - at);
            System.arraycopy(chunk, 0, all, at, n);
            at += n;
        }
        return all;
    }

    /**
     * The stored bytes in one array, and the chunks let go: the array takes their place in memory, so the reservation
     * stays until {@link #release()}.
     */
    public byte[] takeBytes() {
        byte[] all = toByteArray();
        chunks.clear();
        current = null;
        used = 0;
        return all;
    }

    /** Gives the memory back to the budget and drops the bytes. Idempotent. */
    public void release() {
        budget.release(reserved);
        reserved = 0;
        chunks.clear();
        current = null;
        used = 0;
        length = 0;
    }
}
