package org.securemail.provisioning.auth;

import java.util.List;
import java.util.Optional;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.error.Problem;
import org.securemail.provisioning.error.ProblemType;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Authenticates every {@code /api/} request by its API key ({@code Authorization: Bearer <key>} or
 * {@code X-API-Key: <key>}). No key or an unknown / revoked key gives 401 problem+json; a key over its rate
 * ({@link RateLimiter}) gets 429 problem+json with {@code Retry-After}.
 */
public class ApiKeyFilter {

    public static final String API_KEY_HEADER = "X-API-Key";
    private static final String BEARER = "bearer ";

    @Inject
    Pool pool;

    @Inject
    CurrentCaller current;

    @Inject
    ProvisioningConfig config;

    @Inject
    MeterRegistry registry;

    private volatile String bootstrapHash;
    private RateLimiter tenantLimiter;
    private RateLimiter operatorLimiter;

    @PostConstruct
    void init() {
        ProvisioningConfig.RateLimit limits = config.rateLimit();
        tenantLimiter = new RateLimiter(limits.perSecond(), limits.burst(), System::nanoTime);
        operatorLimiter = new RateLimiter(limits.operatorPerSecond(), limits.operatorBurst(), System::nanoTime);
    }

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return Uni.createFrom().nullItem();
        }
        Optional<String> key = presentedKey(request);
        if (key.isEmpty()) {
            return Uni.createFrom().item(unauthorized(request, "send the API key as 'Authorization: Bearer <key>' or 'X-API-Key'"));
        }
        String hash = ApiKeys.hash(key.get());
        String bootstrap = bootstrapHash();
        if (bootstrap != null && ApiKeys.sameHash(bootstrap, hash)) {
            current.set(Caller.bootstrapOperator());
            return Uni.createFrom().item(rateLimited(request, hash, Role.OPERATOR));
        }
        return pool.preparedQuery("SELECT id, role, tenant_id FROM api_key WHERE key_hash = $1 AND revoked_at IS NULL")
                .execute(Tuple.of(hash))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return unauthorized(request, "unknown or revoked API key");
                    }
                    Row row = rows.iterator().next();
                    Role role = Role.valueOf(row.getString("role"));
                    current.set(new Caller(row.getUUID("id"), role, row.getUUID("tenant_id")));
                    return rateLimited(request, hash, role);
                });
    }

    private String bootstrapHash() {
        String h = bootstrapHash;
        if (h == null) {
            h = config.bootstrapOperatorKey().filter(k -> !k.isBlank()).map(ApiKeys::hash).orElse("");
            bootstrapHash = h;
        }
        return h.isEmpty() ? null : h;
    }

    static Optional<String> presentedKey(ContainerRequestContext request) {
        String header = request.getHeaderString(API_KEY_HEADER);
        if (header != null && !header.isBlank()) {
            return Optional.of(header.trim());
        }
        List<String> auth = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (auth != null) {
            for (String value : auth) {
                if (value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                    String token = value.substring(BEARER.length()).trim();
                    if (!token.isEmpty()) {
                        return Optional.of(token);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Null when the key may go on, else the 429. */
    private Response rateLimited(ContainerRequestContext request, String keyHash, Role role) {
        long retryAfter = (role == Role.OPERATOR ? operatorLimiter : tenantLimiter).acquire(keyHash);
        if (retryAfter == 0) {
            return null;
        }
        registry.counter("provisioning.rate.limited", "role", role.name().toLowerCase(java.util.Locale.ROOT)).increment();
        Problem problem = Problem.of(ProblemType.RATE_LIMITED, "this API key sent requests faster than its limit;"
                + " retry after " + retryAfter + " s",
                request.getUriInfo().getPath(), List.of());
        return Response.status(429).type(Problem.MEDIA_TYPE).header(HttpHeaders.RETRY_AFTER, retryAfter)
                .entity(problem).build();
    }

    private Response unauthorized(ContainerRequestContext request, String detail) {
        registry.counter("provisioning.auth.failures").increment();
        Problem problem = Problem.of(ProblemType.UNAUTHORIZED, detail, request.getUriInfo().getPath(), List.of());
        return Response.status(401).type(Problem.MEDIA_TYPE).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .entity(problem).build();
    }

}
