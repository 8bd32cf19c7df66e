package org.securemail.common.observe;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.smallrye.mutiny.Uni;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The spans the services make about a message, and the trace context in Kafka headers (W3C {@code traceparent}).
 * One instance per service, built from its {@link OpenTelemetry} and whether the SDK is on ({@link TracingSwitch});
 * when it is off every method here is a test of one boolean, so tracing costs nothing per message.
 *
 * <p>A message's work hops between threads and Vert.x contexts, where OpenTelemetry's "current" context is not kept
 * (Quarkus stores it in a duplicated context; a destination's or a session's event loop is a root context). The
 * context therefore travels explicitly: in Kafka record headers between services, and inside a service in the
 * Mutiny subscription context of the message's pipeline ({@link #subscription}, {@link #parent}), where the DNS client
 * and the outboxes find it whatever thread they run on.
 */
public final class MessageTracing {

    /** The queue id of the message a span is about. */
    public static final AttributeKey<String> QUEUE_ID = AttributeKey.stringKey("securemail.queue_id");
    /** Key of the OpenTelemetry context in a Mutiny subscription context. */
    public static final String SUBSCRIPTION_KEY = "securemail.otel.context";
    public static final String INSTRUMENTATION = "org.securemail";

    private static final ContextKey<String> QUEUE_ID_KEY = ContextKey.named("securemail.queue_id");
    private static final MessageTracing OFF = new MessageTracing(OpenTelemetry.noop(), false);

    private final boolean enabled;
    private final Tracer tracer;
    private final TextMapPropagator propagator;

    private MessageTracing(OpenTelemetry otel, boolean enabled) {
        this.enabled = enabled;
        this.tracer = otel.getTracer(INSTRUMENTATION);
        this.propagator = otel.getPropagators().getTextMapPropagator();
    }

    /** @param enabled whether the SDK is on ({@code quarkus.otel.sdk.disabled=false}) */
    public static MessageTracing of(OpenTelemetry otel, boolean enabled) {
        return enabled ? new MessageTracing(otel, true) : OFF;
    }

    public static MessageTracing off() {
        return OFF;
    }

    public boolean enabled() {
        return enabled;
    }

    public Tracer tracer() {
        return tracer;
    }

    /**
     * Starts a span about message {@code queueId} (null when not about one) under {@code parent} (root when null).
     * Only call it when {@link #enabled()}.
     */
    public Span start(String name, SpanKind kind, Context parent, String queueId) {
        Context p = parent == null ? Context.root() : parent;
        String id = queueId != null ? queueId : queueId(p);
        var builder = tracer.spanBuilder(name).setSpanKind(kind).setParent(p);
        if (id != null) {
            builder.setAttribute(QUEUE_ID, id);
        }
        return builder.startSpan();
    }

    /** {@code parent} with {@code span} current and the queue id remembered for the spans under it. */
    public static Context context(Context parent, Span span, String queueId) {
        Context c = (parent == null ? Context.root() : parent).with(span);
        return queueId == null ? c : c.with(QUEUE_ID_KEY, queueId);
    }

    /** The queue id a context is about, or null. */
    public static String queueId(Context context) {
        return context == null ? null : context.get(QUEUE_ID_KEY);
    }

    /** Ends {@code span} as failed with {@code error}. */
    public static void fail(Span span, Throwable error) {
        span.recordException(error);
        span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
        span.end();
    }

    // ---- Kafka headers ----------------------------------------------------------------------------------------

    /** The trace context in a record's headers, or root when there is none (or tracing is off). */
    public Context extract(Headers headers) {
        if (!enabled || headers == null) {
            return Context.root();
        }
        return propagator.extract(Context.root(), headers, HEADERS_GETTER);
    }

    /** Writes {@code context}'s span into {@code headers} (replacing what was there); nothing when tracing is off. */
    public void inject(Context context, Headers headers) {
        if (enabled && context != null && Span.fromContext(context).getSpanContext().isValid()) {
            propagator.inject(context, headers, HEADERS_SETTER);
        }
    }

    private static final TextMapGetter<Headers> HEADERS_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            List<String> keys = new ArrayList<>();
            for (Header h : carrier) {
                keys.add(h.key());
            }
            return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
            Header h = carrier == null ? null : carrier.lastHeader(key);
            return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
    };

    private static final TextMapSetter<Headers> HEADERS_SETTER = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.remove(key);
            carrier.add(key, value.getBytes(StandardCharsets.UTF_8));
        }
    };

    // ---- the context inside a service: the Mutiny subscription ------------------------------------------------

    /** A Mutiny subscription context holding {@code context}, for {@code uni.subscribe().with(...)}. */
    public static io.smallrye.mutiny.Context subscription(Context context) {
        return io.smallrye.mutiny.Context.of(SUBSCRIPTION_KEY, context);
    }

    /** The OpenTelemetry context of a Mutiny subscription, or the current one when it holds none. */
    public static Context parent(io.smallrye.mutiny.Context subscription) {
        Context c = subscription == null ? null : subscription.getOrElse(SUBSCRIPTION_KEY, () -> null);
        return c != null ? c : Context.current();
    }

    /**
     * {@code body} given the OpenTelemetry context of the subscription it runs in; when tracing is off, given null
     * at once (no extra operator).
     */
    public <T> Uni<T> withParent(Function<Context, Uni<T>> body) {
        if (!enabled) {
            return body.apply(null);
        }
        return Uni.createFrom().context(subscription -> body.apply(parent(subscription)));
    }
}
