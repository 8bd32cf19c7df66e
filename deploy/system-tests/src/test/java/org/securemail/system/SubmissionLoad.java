package org.securemail.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

import org.securemail.testing.RecordingMx;

/**
 * Authenticated submissions over a few persistent connections: a burst (everything queued at once) or a steady
 * rate (a scheduler queues one message per period; whichever connection is free sends it). Every message has one
 * recipient, a unique Message-ID and an {@code X-Submitted-At} header; every reply is recorded with the phase.
 */
final class SubmissionLoad implements AutoCloseable {

    /** One message to send. */
    record Work(String recipient, String group, String phase) {
    }

    /** One message sent, with the ingress's reply (code 0 = no reply: I/O error, {@code text} says which). */
    record Submitted(String messageId, String recipient, String group, String phase, long submittedAt, int code,
                     String text) {
        boolean accepted() {
            return code >= 200 && code < 300;
        }

        RecordingMx.Key key() {
            return new RecordingMx.Key(messageId, recipient);
        }
    }

    private static final long IDLE_REOPEN_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** The ingress replicas' submission ports; a connection that fails moves on to the next (a load balancer's job). */
    private final List<Integer> ports;
    private final String user;
    private final String password;
    private final String from;
    private final BlockingQueue<Work> queue = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<Submitted> submitted = new ConcurrentLinkedQueue<>();
    /** Queued or being sent. */
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger sequence = new AtomicInteger();
    private final List<Thread> workers = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "submission-pacer");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    SubmissionLoad(int port, String user, String password, String from, int connections) {
        this(List.of(port), user, password, from, connections);
    }

    /**
     * Connection {@code i} starts at {@code ports[i % n]}; after an I/O error it opens its next session on the next port,
     * as a load balancer takes a dead replica out of rotation.
     */
    SubmissionLoad(List<Integer> ports, String user, String password, String from, int connections) {
        this.ports = List.copyOf(ports);
        this.user = user;
        this.password = password;
        this.from = from;
        for (int i = 0; i < connections; i++) {
            int first = i;
            Thread worker = new Thread(() -> work(first), "submission-" + i);
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
    }

    /** Queues every message at once. */
    void burst(List<Work> work) {
        pending.addAndGet(work.size());
        queue.addAll(work);
    }

    /**
     * Queues {@code count} messages at a steady rate, message {@code i} made by {@code next.apply(i)} on the pacer
     * thread when it is due. Returns at once; {@link #idle()} after {@link Steady#done()} means all were sent.
     */
    Steady steady(double perSecond, int count, IntFunction<Work> next) {
        long periodMicros = (long) (1_000_000 / perSecond);
        AtomicInteger produced = new AtomicInteger();
        AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
        self.set(scheduler.scheduleAtFixedRate(() -> {
            int i = produced.get();
            if (i >= count) {
                self.get().cancel(false);
                return;
            }
            pending.incrementAndGet();
            queue.add(next.apply(i));
            produced.incrementAndGet();
        }, periodMicros, periodMicros, TimeUnit.MICROSECONDS));
        return new Steady(produced, count);
    }

    /** A steady run: how many of its messages have been queued. */
    record Steady(AtomicInteger produced, int count) {
        boolean done() {
            return produced.get() >= count;
        }
    }

    /** Nothing queued and no connection in a transaction. */
    boolean idle() {
        return pending.get() == 0;
    }

    List<Submitted> submitted() {
        return List.copyOf(submitted);
    }

    private void work(int first) {
        SubmissionSession session = null;
        long lastUsed = 0;
        int[] port = {first};
        try {
            while (!closed) {
                Work work = queue.poll(200, TimeUnit.MILLISECONDS);
                if (work == null) {
                    continue;
                }
                try {
                    if (session != null && System.nanoTime() - lastUsed > IDLE_REOPEN_NANOS) {
                        // between phases: the ingress may have closed an idle session; start a fresh one
                        session.quit();
                        session = null;
                    }
                    session = send(session, work, port);
                    lastUsed = System.nanoTime();
                } finally {
                    pending.decrementAndGet();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (session != null) {
                session.quit();
            }
        }
    }

    private SubmissionSession send(SubmissionSession session, Work work, int[] port) {
        String messageId = "<" + UUID.randomUUID() + "@outage-it.test>";
        long now = System.currentTimeMillis();
        try {
            if (session == null) {
                session = SubmissionSession.open(ports.get(port[0] % ports.size()), user, password);
            }
            SubmissionSession.Reply reply = session.send(from, work.recipient(), message(messageId, work, now));
            record(messageId, work, now, reply.code(), reply.text());
            if (reply.code() == 421) {
                session.close();
                return null;
            }
            return session;
        } catch (SubmissionSession.SetupRefused refused) {
            record(messageId, work, now, refused.reply.code(), refused.getMessage());
            return null;
        } catch (IOException e) {
            record(messageId, work, now, 0, e.getClass().getSimpleName() + ": " + e.getMessage());
            port[0]++;
            if (session != null) {
                session.close();
            }
            return null;
        }
    }

    private void record(String messageId, Work work, long at, int code, String text) {
        submitted.add(new Submitted(messageId, work.recipient(), work.group(), work.phase(), at, code, text));
    }

    private byte[] message(String messageId, Work work, long now) {
        int n = sequence.incrementAndGet();
        String text = "From: <" + from + ">\r\n"
                + "To: <" + work.recipient() + ">\r\n"
                + "Subject: outage IT " + work.phase() + " " + n + "\r\n"
                + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()) + "\r\n"
                + "Message-ID: " + messageId + "\r\n"
                + "X-Submitted-At: " + now + "\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
                + "Message " + n + " of the outage system test, group " + work.group() + ".\r\n"
                + ".A line that starts with a dot, to be stuffed.\r\n";
        return text.replace("\r\n.", "\r\n..").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        for (Thread worker : workers) {
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
