package org.securemail.delivery.control;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.securemail.common.queue.QueueCommand;

/**
 * The operators' commands in force on this replica (read from the compacted {@code delivery.control}, ADR 0084), and
 * the records waiting for their due time, which a command wakes up at once: every replica reads every command, so a
 * "retry this destination now" reaches the records of all partitions wherever they wait.
 */
public final class QueueControls {

    /** What to do with a record that comes up. */
    public sealed interface Directive permits Go, Wait, Hold, Delete, Requeue {
    }

    /** Deliver now. */
    public record Go() implements Directive {
    }

    /** Not due yet: wait until {@code dueAt} or a command. */
    public record Wait(Instant dueAt) implements Directive {
    }

    /** Held by an operator: put it back without an attempt. */
    public record Hold(QueueCommand command) implements Directive {
    }

    /** Deleted by an operator: bounce its pending recipients with the reason. */
    public record Delete(QueueCommand command) implements Directive {
    }

    /**
     * Not due, written before a command that released other records: written again at the end of its topic, so that
     * the records behind it (the released ones among them) come up now instead of after its due time.
     */
    public record Requeue() implements Directive {
    }

    private final Map<String, QueueCommand> retries = new ConcurrentHashMap<>();
    private final Map<String, QueueCommand> holds = new ConcurrentHashMap<>();
    private final Map<String, QueueCommand> deletes = new ConcurrentHashMap<>();
    private final Set<CompletableFuture<Void>> waiting = ConcurrentHashMap.newKeySet();
    private final Consumer<String> onRetryDestination;
    private volatile Instant lastSweep = Instant.EPOCH;

    /** @param onRetryDestination called with the domain of each RETRY_DESTINATION command read (ends its suspension) */
    public QueueControls(Consumer<String> onRetryDestination) {
        this.onRetryDestination = onRetryDestination;
    }

    /** Applies one record of {@code delivery.control}: a command, or a tombstone ({@code command} null) for {@code key}. */
    public void apply(String key, QueueCommand command) {
        if (command == null) {
            retries.remove(stripped(key, "retry/"));
            holds.remove(stripped(key, "hold/"));
            deletes.remove(stripped(key, "delete/"));
            return;
        }
        switch (command.kind()) {
            case RETRY_DESTINATION -> {
                retries.put(command.target(), command);
                onRetryDestination.accept(command.target());
            }
            case HOLD, RELEASE -> holds.put(command.target(), command);
            case DELETE -> deletes.put(command.target(), command);
        }
        if (command.kind() == QueueCommand.Kind.RETRY_DESTINATION && command.at() != null
                && command.at().isAfter(lastSweep)) {
            lastSweep = command.at();
        }
        if (command.kind() != QueueCommand.Kind.HOLD) {
            wakeAll();
        }
    }

    private static String stripped(String key, String prefix) {
        return key != null && key.startsWith(prefix) ? key.substring(prefix.length()) : "";
    }

    /**
     * What to do with a record of message {@code queueId} for the recipient domains {@code domains}, written at
     * {@code writtenAt}, due at {@code dueAt} (null: now).
     *
     * <p>A record that blocks released ones is moved behind them: after a RETRY_DESTINATION, a RELEASE or a DELETE, any
     * not-due record written before it. Not only those on the released message's partition: one consumer reads every
     * partition of a tier, one record at a time, so a record waiting on any partition keeps the released one from
     * coming up.
     */
    public Directive decide(String queueId, Collection<String> domains, Instant writtenAt, Instant dueAt, Instant now) {
        QueueCommand deleted = deletes.get(queueId);
        if (deleted != null) {
            return new Delete(deleted);
        }
        QueueCommand hold = holds.get(queueId);
        boolean held = hold != null && hold.kind() == QueueCommand.Kind.HOLD;
        if (dueAt == null || !dueAt.isAfter(now)) {
            // a held record is decided when due, never before: it waits on its tier like any other (not in a loop)
            return held ? new Hold(hold) : new Go();
        }
        if (!held) {
            if (hold != null && before(writtenAt, hold.at())) {
                return new Go(); // released after this record was written
            }
            for (String domain : domains) {
                QueueCommand retry = retries.get(domain);
                if (retry != null && before(writtenAt, retry.at())) {
                    return new Go();
                }
            }
        }
        if (before(writtenAt, lastSweep) || blocksAReleasedMessage(writtenAt)) {
            return new Requeue();
        }
        return new Wait(dueAt);
    }

    private boolean blocksAReleasedMessage(Instant writtenAt) {
        for (Map<String, QueueCommand> commands : List.of(holds, deletes)) {
            for (QueueCommand c : commands.values()) {
                if (c.kind() != QueueCommand.Kind.HOLD && before(writtenAt, c.at())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean before(Instant writtenAt, Instant commandAt) {
        return writtenAt != null && commandAt != null && writtenAt.isBefore(commandAt);
    }

    /**
     * Completes at {@code dueAt}, or earlier when a command that may release records is read (the caller then decides
     * again).
     */
    public CompletableFuture<Void> sleep(Instant dueAt, ScheduledExecutorService timers) {
        CompletableFuture<Void> woken = new CompletableFuture<>();
        waiting.add(woken);
        long millis = Math.max(0, Duration.between(Instant.now(), dueAt).toMillis());
        var timer = timers.schedule(() -> woken.complete(null), millis, TimeUnit.MILLISECONDS);
        woken.whenComplete((v, e) -> {
            waiting.remove(woken);
            timer.cancel(false);
        });
        return woken;
    }

    private void wakeAll() {
        for (CompletableFuture<Void> w : waiting) {
            w.complete(null);
        }
    }

    /** Records waiting for their due time on this replica. */
    public int waitingCount() {
        return waiting.size();
    }

    public int held() {
        return (int) holds.values().stream().filter(c -> c.kind() == QueueCommand.Kind.HOLD).count();
    }
}
