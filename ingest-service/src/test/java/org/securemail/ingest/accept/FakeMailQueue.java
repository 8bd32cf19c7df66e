package org.securemail.ingest.accept;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.securemail.common.mail.MailEnvelope;

/** In-memory {@link MailQueue} for unit tests: stores, fails, or never answers, as told. */
public final class FakeMailQueue implements MailQueue {

    public enum Behaviour { STORE, FAIL, HANG }

    /** {@code inspection}: the session's verdict (JSON summary), null for a message stored for the stage. */
    public record Stored(MailEnvelope envelope, byte[] message, byte[] inspection) {

        public Stored(MailEnvelope envelope, byte[] message) {
            this(envelope, message, null);
        }
    }

    private final List<Stored> stored = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> hanging = new CopyOnWriteArrayList<>();
    private volatile Behaviour behaviour = Behaviour.STORE;

    public FakeMailQueue behave(Behaviour b) {
        this.behaviour = b;
        return this;
    }

    /** The futures handed out in HANG mode, to see whether the caller cancelled them. */
    public List<CompletableFuture<Void>> hanging() {
        return hanging;
    }

    public List<Stored> stored() {
        return stored;
    }

    @Override
    public CompletionStage<Void> enqueue(MailEnvelope envelope, byte[] message, byte[] inspection) {
        return switch (behaviour) {
            case STORE -> {
                stored.add(new Stored(envelope, message.clone(), inspection == null ? null : inspection.clone()));
                yield CompletableFuture.completedFuture(null);
            }
            case FAIL -> CompletableFuture.failedFuture(new IllegalStateException("fake queue failure"));
            case HANG -> {
                CompletableFuture<Void> pending = new CompletableFuture<>();
                hanging.add(pending);
                yield pending;
            }
        };
    }
}
