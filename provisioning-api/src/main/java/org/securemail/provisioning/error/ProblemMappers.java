package org.securemail.provisioning.error;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.persistence.OptimisticLockException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.hibernate.JDBCException;
import org.hibernate.StaleStateException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.vertx.pgclient.PgException;

/**
 * The one family of exception mappers of the API: every error leaves as {@code application/problem+json} with a
 * stable {@code type}. Unexpected exceptions are logged here and reported as a bare 500 without any detail.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    @ServerExceptionMapper
    public Response apiProblem(ApiProblem e, UriInfo uri) {
        Problem problem = Problem.of(e.type(), e.getMessage(), path(uri), e.errors());
        if (e.retryAfter() == null) {
            return respond(problem);
        }
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem)
                .header(HttpHeaders.RETRY_AFTER, Math.max(1, e.retryAfter().toSeconds())).build();
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e, UriInfo uri) {
        List<FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new FieldError(fieldName(v), v.getMessage()))
                .sorted(Comparator.comparing(FieldError::field))
                .collect(Collectors.toList());
        String detail = errors.stream().map(f -> f.field() + ": " + f.message()).collect(Collectors.joining("; "));
        return respond(Problem.of(ProblemType.VALIDATION, detail, path(uri), errors));
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        return respond(jsonProblem(e, path(uri)));
    }

    /** Quarkus REST has its own mappers for these two; ours are more specific and win. */
    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e, UriInfo uri) {
        return respond(jsonProblem(e, path(uri)));
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return respond(jsonProblem(e, path(uri)));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException jpe) {
            return respond(jsonProblem(jpe, path(uri)));
        }
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        ProblemType type = ProblemType.forStatus(status);
        if (status >= 500) {
            LOG.error("request failed", e);
            return respond(Problem.of(ProblemType.INTERNAL, "unexpected error; see the server log", path(uri), List.of()));
        }
        String detail = status == 404 ? "no resource at this path" : type.title();
        return respond(new Problem(type.uri(), type.title(), status, detail, path(uri), List.of()));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiProblem p) {
                return apiProblem(p, uri);
            }
            if (t instanceof OptimisticLockException || t instanceof StaleStateException) {
                return respond(Problem.of(ProblemType.VERSION_CONFLICT,
                        "the resource was changed concurrently; read it again and retry", path(uri), List.of()));
            }
            String sqlState = sqlState(t);
            if (UNIQUE_VIOLATION.equals(sqlState)) {
                // the pre-check lost a race with a concurrent request: the database constraint decides
                return respond(Problem.of(ProblemType.DUPLICATE, "a resource with this name already exists",
                        path(uri), List.of()));
            }
            if (FOREIGN_KEY_VIOLATION.equals(sqlState)) {
                return respond(Problem.of(ProblemType.CONFLICT, "the resource is still referenced", path(uri),
                        List.of()));
            }
        }
        LOG.error("unexpected error on " + path(uri), e);
        return respond(Problem.of(ProblemType.INTERNAL, "unexpected error; see the server log", path(uri), List.of()));
    }

    /** True when {@code failure} or one of its causes is a unique-constraint violation of the database. */
    public static boolean isUniqueViolation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (UNIQUE_VIOLATION.equals(sqlState(t))) {
                return true;
            }
        }
        return false;
    }

    private static String sqlState(Throwable t) {
        return t instanceof PgException pg ? pg.getSqlState() : t instanceof JDBCException jdbc ? jdbc.getSQLState() : null;
    }

    static Problem jsonProblem(JsonProcessingException e, String instance) {
        if (e instanceof UnrecognizedPropertyException u) {
            String field = jsonPath(u);
            return Problem.of(ProblemType.UNKNOWN_FIELD, "unknown field '" + field + "'", instance,
                    List.of(new FieldError(field, "unknown field")));
        }
        if (e instanceof InvalidFormatException f) {
            String field = jsonPath(f);
            return Problem.of(ProblemType.VALIDATION, "invalid value for '" + field + "'", instance,
                    List.of(new FieldError(field, "invalid value " + f.getValue())));
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String field = jsonPath(m);
            return Problem.of(ProblemType.VALIDATION, "invalid value for '" + field + "'", instance,
                    List.of(new FieldError(field, "wrong type or shape")));
        }
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
        return Problem.of(ProblemType.MALFORMED_JSON, "the request body is not valid JSON" + where, instance, List.of());
    }

    private static String jsonPath(JsonMappingException e) {
        List<String> parts = new ArrayList<>();
        for (JsonMappingException.Reference ref : e.getPath()) {
            parts.add(ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]");
        }
        return String.join(".", parts).replace(".[", "[");
    }

    private static String fieldName(ConstraintViolation<?> v) {
        // "create.body.nextHops[0].port" -> "nextHops[0].port"; method parameters keep their name.
        String path = v.getPropertyPath().toString();
        String[] parts = path.split("\\.", 3);
        if (parts.length == 3) {
            return parts[2];
        }
        return parts.length == 2 ? parts[1] : path;
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getPath();
    }

    static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
