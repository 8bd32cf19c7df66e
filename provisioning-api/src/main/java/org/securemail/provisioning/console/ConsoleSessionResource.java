package org.securemail.provisioning.console;

import java.time.Instant;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.securemail.provisioning.auth.ApiKeys;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.auth.KeyCallers;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.error.ProblemType;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Signing in to the operator console (ADR 0087): an operator key, given once in a POST body, becomes a signed
 * HttpOnly, SameSite=Strict session cookie; the page keeps only the CSRF token, in memory. Tenant keys are refused.
 */
@Path("/console/session")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "console", description = "The operator console's sign-in (docs/console.md)")
public class ConsoleSessionResource {

    /** Longest key read: generated keys have 47 characters; the bootstrap key is an operator's choice. */
    public static final int MAX_KEY_CHARS = 256;

    @Inject
    KeyCallers callers;

    @Inject
    ConsoleSessions sessions;

    @Inject
    ProvisioningConfig config;

    @Inject
    MeterRegistry registry;

    @Context
    UriInfo uri;

    @Schema(example = "{\"key\": \"smk_3q2VJk8dL0aP4mXz9YbNw1RtQe6UoIcGhAsDfFjK7lM\"}")
    public record SignIn(@NotBlank @Size(max = MAX_KEY_CHARS) String key) {
    }

    /** What the page needs: the CSRF token for requests that change something, when the session ends, how often to poll. */
    @Schema(example = "{\"csrfToken\": \"o9Jx0R2kq4yXcW7nB1mZ5tLh3vP8sAeQdGfUiYjKlN0\", \"expiresAt\": \"2026-12-07T23:15:00Z\", \"refreshMillis\": 2000}")
    public record SessionInfo(String csrfToken, Instant expiresAt, long refreshMillis) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "200", description = "Signed in: the session cookie is set",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionInfo.class)))
    @Operation(operationId = "signInToConsole", summary = "Open a console session with an operator key (sets an HttpOnly cookie)")
    public Uni<Response> signIn(@Valid SignIn body) {
        if (body == null) {
            throw ApiProblem.badRequest("send {\"key\": \"<operator API key>\"}");
        }
        String hash = ApiKeys.hash(body.key().trim());
        return callers.byKey(body.key().trim()).map(found -> {
            Caller caller = found.orElseThrow(() -> {
                signIns("unknown");
                return new ApiProblem(ProblemType.UNAUTHORIZED, "unknown or revoked API key");
            });
            if (!caller.operator()) {
                signIns("tenant");
                throw ApiProblem.forbidden("the console is for operators: a tenant key cannot sign in");
            }
            signIns("operator");
            ConsoleSessions.Session session = sessions.open(caller.keyId(), hash);
            return Response.ok(info(session)).header(HttpHeaders.SET_COOKIE, sessions.setCookie(session, secure())).build();
        });
    }

    @GET
    @Operation(operationId = "getConsoleSession", summary = "The current console session's CSRF token and end")
    public SessionInfo current(@CookieParam(ConsoleSessions.COOKIE) String cookie) {
        return info(session(cookie));
    }

    @DELETE
    @APIResponse(responseCode = "204", description = "Signed out: the cookie is cleared")
    @Operation(operationId = "signOutOfConsole", summary = "End the console session (clears the cookie)")
    public Response signOut(@CookieParam(ConsoleSessions.COOKIE) String cookie,
            @HeaderParam(ConsoleSessions.CSRF_HEADER) String csrf) {
        Optional<ConsoleSessions.Session> session = sessions.verify(cookie);
        if (session.isPresent() && !sessions.csrfMatches(session.get(), csrf)) {
            throw ApiProblem.forbidden("signing out needs the session's " + ConsoleSessions.CSRF_HEADER + " header");
        }
        return Response.noContent().header(HttpHeaders.SET_COOKIE, ConsoleSessions.clearCookie(secure())).build();
    }

    private ConsoleSessions.Session session(String cookie) {
        return sessions.verify(cookie).orElseThrow(() -> new ApiProblem(ProblemType.UNAUTHORIZED, "not signed in to the console"));
    }

    private SessionInfo info(ConsoleSessions.Session session) {
        return new SessionInfo(sessions.csrfToken(session), session.expiresAt(), config.console().refresh().toMillis());
    }

    private boolean secure() {
        return "https".equalsIgnoreCase(uri.getRequestUri().getScheme());
    }

    private void signIns(String outcome) {
        registry.counter("provisioning.console.sign.ins", "outcome", outcome).increment();
    }
}
