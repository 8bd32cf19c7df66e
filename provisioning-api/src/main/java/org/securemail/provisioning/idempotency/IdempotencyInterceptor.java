package org.securemail.provisioning.idempotency;

import java.lang.reflect.Method;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.auth.CurrentCaller;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.error.ProblemType;

/**
 * {@code Idempotency-Key} on creating requests (draft-ietf-httpapi-idempotency-key-header; ADR 0074). Without the
 * header nothing changes. With it, the first request with a key claims it ({@link IdempotencyStore}) and its 2xx answer
 * is kept; a retry with the same key and the same request gets that answer again (header {@code Idempotent-Replayed:
 * true}) and creates nothing; the same key with a different request gets 422; a retry while the first one still runs
 * gets 409. A failed or non-2xx first request gives the key back, so the corrected retry runs.
 *
 * <p>Keys belong to the API key that sent them. The fingerprint is the operation, the path and the request's
 * parameters as JSON, with {@code password} fields left out, so that no form of a password is kept.
 */
@Idempotent
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class IdempotencyInterceptor {

    private static final Logger LOG = Logger.getLogger(IdempotencyInterceptor.class);

    @Inject
    HttpHeaders headers;

    @Inject
    UriInfo uri;

    @Inject
    CurrentCaller caller;

    @Inject
    IdempotencyStore store;

    @Inject
    IdempotencySettings settings;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry registry;

    @AroundInvoke
    Object around(InvocationContext ctx) throws Exception {
        String header = headers.getHeaderString(IdempotencyKey.HEADER);
        if (header == null) {
            return ctx.proceed();
        }
        IdempotencyKey key = new IdempotencyKey(scope(caller.get()), IdempotencyKey.parse(header), fingerprint(ctx));
        return store.claim(key).chain(claim -> answer(ctx, key, claim));
    }

    private Uni<Object> answer(InvocationContext ctx, IdempotencyKey key, Claim claim) {
        if (claim instanceof Claim.Granted) {
            return run(ctx, key);
        }
        if (claim instanceof Claim.Answered answered) {
            return replay(answered.answer());
        }
        if (claim instanceof Claim.Running) {
            return counted("running", Uni.createFrom().failure(ApiProblem.conflict("a request with this "
                    + IdempotencyKey.HEADER + " is still running; retry in a moment")));
        }
        return counted("other-request", Uni.createFrom().failure(new ApiProblem(ProblemType.IDEMPOTENCY_KEY_REUSED,
                "this " + IdempotencyKey.HEADER + " was used for a different request; use a new key for a new request")));
    }

    @SuppressWarnings("unchecked")
    private Uni<Object> run(InvocationContext ctx, IdempotencyKey key) {
        Uni<Object> result = Uni.createFrom().deferred(() -> {
            try {
                return (Uni<Object>) ctx.proceed();
            } catch (Exception e) {
                return Uni.createFrom().failure(e);
            }
        });
        return result
                .call(answer -> keep(key, answer))
                .onFailure().call(failure -> store.release(key));
    }

    /** Keeps a 2xx answer; gives the key back for anything else, or for an answer too large to keep. */
    private Uni<Void> keep(IdempotencyKey key, Object answer) {
        if (!(answer instanceof RestResponse<?> response) || response.getStatus() / 100 != 2) {
            return store.release(key);
        }
        String body;
        try {
            JsonNode tree = response.getEntity() == null ? null : json.valueToTree(response.getEntity());
            without(tree, "secret"); // a webhook's signing secret is shown once and kept sealed, never here (ADR 0078)
            body = tree == null ? null : json.writeValueAsString(tree);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            LOG.warnf("%s: the answer could not be kept (%s); a retry with this key runs again",
                    IdempotencyKey.HEADER, e.getMessage());
            return store.release(key);
        }
        if (body != null && body.getBytes(StandardCharsets.UTF_8).length > settings.maxStoredBody()) {
            return store.release(key);
        }
        URI location = response.getLocation();
        return store.complete(key, new StoredAnswer(response.getStatus(), location == null ? null : location.toString(),
                body));
    }

    private Uni<Object> replay(StoredAnswer answer) {
        JsonNode body;
        try {
            body = answer.body() == null ? null : json.readTree(answer.body());
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("a kept answer is not JSON", e));
        }
        RestResponse.ResponseBuilder<Object> builder = RestResponse.ResponseBuilder.<Object>create(answer.status())
                .entity(body)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header(IdempotencyKey.REPLAYED_HEADER, "true");
        if (answer.location() != null) {
            builder.location(URI.create(answer.location()));
        }
        return counted("replayed", Uni.createFrom().item(builder.build()));
    }

    private <T> Uni<T> counted(String outcome, Uni<T> uni) {
        registry.counter("provisioning.idempotency.repeats", "outcome", outcome).increment();
        return uni;
    }

    private static String scope(Caller caller) {
        return caller.keyId() == null ? "bootstrap" : caller.keyId().toString();
    }

    private String fingerprint(InvocationContext ctx) throws JsonProcessingException {
        Method m = ctx.getMethod();
        JsonNode params = json.valueToTree(ctx.getParameters());
        without(params, "password");
        return IdempotencyKey.fingerprint(m.getDeclaringClass().getName() + "#" + m.getName(), uri.getPath(),
                json.writeValueAsString(params));
    }

    /** Removes every field called {@code field}, at any depth. */
    private static void without(JsonNode node, String field) {
        if (node instanceof ObjectNode object) {
            object.remove(field);
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
                without(it.next().getValue(), field);
            }
        } else if (node != null && node.isArray()) {
            node.forEach(n -> without(n, field));
        }
    }
}
