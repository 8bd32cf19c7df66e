package org.securemail.provisioning.auth;

import java.util.List;
import java.util.Optional;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.console.ConsoleSessions;
import org.securemail.provisioning.error.Problem;
import org.securemail.provisioning.error.ProblemType;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Authenticates every {@code /api/} request by its API key ({@code Authorization: Bearer <key>} or
 * {@code X-API-Key: <key>}). No key or an unknown / revoked key gives 401 problem+json; a key over its rate
 * ({@link RateLimiter}) gets 429 problem+json with {@code Retry-After}. Without a key, the operator console's session
 * cookie is accepted ({@link ConsoleSessions}, ADR 0087).
 */
public class ApiKeyFilter {

    public static final String API_KEY_HEADER = "X-API-Key";
    private static final String BEARER = "bearer ";

    @Inject
    KeyCallers callers;

    @Inject
    ConsoleSessions sessions;

    @Inject
    CurrentCaller current;

    @Inject
    ProvisioningConfig config;

    @Inject
    MeterRegistry registry;

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
            Cookie cookie = request.getCookies().get(ConsoleSessions.COOKIE);
            if (cookie != null) {
                return consoleSession(request, cookie.getValue());
            }
            return Uni.createFrom().item(unauthorized(request, "send the API key as 'Authorization: Bearer <key>' or 'X-API-Key'"));
        }
        String hash = ApiKeys.hash(key.get());
        return callers.byKey(key.get()).map(caller -> {
            if (caller.isEmpty()) {
                return unauthorized(request, "unknown or revoked API key");
            }
            current.set(caller.get());
            return rateLimited(request, hash, caller.get().role());
        });
    }

    /**
     * A request from the operator console (ADR 0087): its signed session cookie names an operator key, which must
     * still be live and an operator's; anything but GET and HEAD must also carry the session's CSRF token.
     */
    private Uni<Response> consoleSession(ContainerRequestContext request, String cookie) {
        Optional<ConsoleSessions.Session> session = sessions.verify(cookie);
        if (session.isEmpty()) {
            return Uni.createFrom().item(unauthorized(request, "the console session has expired or is not valid: sign in again"));
        }
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)
                && !sessions.csrfMatches(session.get(), request.getHeaderString(ConsoleSessions.CSRF_HEADER))) {
            return Uni.createFrom().item(forbidden(request, "a console request that changes something needs the session's "
                    + ConsoleSessions.CSRF_HEADER + " header"));
        }
        Uni<Optional<Caller>> caller;
        if (session.get().bootstrap()) {
            String bootstrap = callers.bootstrapHash();
            caller = Uni.createFrom().item(bootstrap != null && bootstrap.startsWith(session.get().bootstrapHashPrefix())
                    ? Optional.of(Caller.bootstrapOperator()) : Optional.empty());
        } else {
            caller = callers.byKeyId(session.get().keyId());
        }
        return caller.map(found -> {
            if (found.isEmpty() || !found.get().operator()) {
                return unauthorized(request, "the key this console session was opened with is no longer valid: sign in again");
            }
            current.set(found.get());
            return rateLimited(request, "console:" + (session.get().bootstrap() ? "bootstrap" : session.get().keyId()),
                    Role.OPERATOR);
        });
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

    private Response forbidden(ContainerRequestContext request, String detail) {
        registry.counter("provisioning.auth.failures").increment();
        Problem problem = Problem.of(ProblemType.FORBIDDEN, detail, request.getUriInfo().getPath(), List.of());
        return Response.status(403).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private Response unauthorized(ContainerRequestContext request, String detail) {
        registry.counter("provisioning.auth.failures").increment();
        Problem problem = Problem.of(ProblemType.UNAUTHORIZED, detail, request.getUriInfo().getPath(), List.of());
        return Response.status(401).type(Problem.MEDIA_TYPE).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .entity(problem).build();
    }

}
