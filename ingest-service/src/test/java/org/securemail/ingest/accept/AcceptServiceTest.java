package org.securemail.ingest.accept;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.securemail.ingest.metrics.IngestMetrics;
import org.securemail.ingest.reply.Reply;

/** The reply decision of the durable accept, with a fake queue (the Kafka adapter has its own contract test). */
class AcceptServiceTest {

    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeMailQueue queue = new FakeMailQueue();
    private final AcceptService service =
            new AcceptService(queue, vertx, new IngestMetrics(registry), Duration.ofMillis(300));

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Reply accept(String id) throws Exception {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        vertx.runOnContext(v -> service.accept(MailQueueContract.envelope(id, 3), new byte[] {1, 2, 3}, "mx")
                .onComplete(ar -> reply.complete(ar.result())));
        return reply.get(10, TimeUnit.SECONDS);
    }

    @Test
    void answers250WithQueueIdAfterTheQueueAcknowledged() throws Exception {
        Reply reply = accept("Q1");
        assertThat(reply.line()).isEqualTo("250 2.0.0 Ok: queued as Q1\r\n");
        assertThat(queue.stored()).hasSize(1);
        assertThat(registry.get("smtp.messages.accepted").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("smtp.accept.latency").timer().count()).isEqualTo(1);
    }

    @Test
    void answers451WhenTheQueueFails() throws Exception {
        queue.behave(FakeMailQueue.Behaviour.FAIL);
        assertThat(accept("Q2")).isEqualTo(Reply.QUEUE_TEMPFAIL);
        assertThat(registry.get("smtp.rejections").tag("reason", "queue_error").counter().count()).isEqualTo(1.0);
    }

    @Test
    void answers451WhenTheQueueDoesNotAnswerBeforeTheDeadline() throws Exception {
        queue.behave(FakeMailQueue.Behaviour.HANG);
        long start = System.nanoTime();
        assertThat(accept("Q3")).isEqualTo(Reply.QUEUE_TEMPFAIL);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
        assertThat(registry.get("smtp.rejections").tag("reason", "queue_timeout").counter().count()).isEqualTo(1.0);
        // the queue is told to give up, so a send still waiting cannot store the message after the 451
        assertThat(queue.hanging()).singleElement().satisfies(f -> assertThat(f.isCancelled()).isTrue());
    }
}
