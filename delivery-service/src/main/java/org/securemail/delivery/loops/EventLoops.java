package org.securemail.delivery.loops;

import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;

/**
 * One Vert.x context on each event loop of the service's Vert.x, to spread work over every loop instead of the thread
 * of whoever asked for it (often a Kafka consumer's context, whose one thread then also has to hand out the next
 * records): {@link #next()} in turn, {@link #forKey(Object)} by a key, so that the work of one key stays on one thread.
 */
public final class EventLoops {

    private final Context[] loops;
    private final AtomicInteger turn = new AtomicInteger();

    public EventLoops(Vertx vertx) {
        int count = 0;
        for (io.netty.util.concurrent.EventExecutor ignored : vertx.nettyEventLoopGroup()) {
            count++;
        }
        this.loops = new Context[Math.max(1, count)];
        // each new event-loop context is made on the group's next loop: one per loop
        for (int i = 0; i < loops.length; i++) {
            loops[i] = ((VertxInternal) vertx).createEventLoopContext();
        }
    }

    /** The loops in turn. */
    public Context next() {
        return loops[Math.floorMod(turn.getAndIncrement(), loops.length)];
    }

    /** The loop of {@code key}: always the same one for equal keys. */
    public Context forKey(Object key) {
        return loops[Math.floorMod(key == null ? 0 : key.hashCode(), loops.length)];
    }
}
