package org.securemail.provisioning.error;

import java.time.Duration;
import java.util.List;

import io.smallrye.mutiny.Uni;

/**
 * An error the API reports to its client as RFC 9457 problem+json. The {@link ProblemType} gives the stable
 * {@code type} URI, title and status; {@code detail} explains this occurrence.
 */
public class ApiProblem extends RuntimeException {

    private final ProblemType type;
    private final List<FieldError> errors;
    private final Duration retryAfter;

    public ApiProblem(ProblemType type, String detail) {
        this(type, detail, List.of());
    }

    public ApiProblem(ProblemType type, String detail, List<FieldError> errors) {
        this(type, detail, errors, null);
    }

    private ApiProblem(ProblemType type, String detail, List<FieldError> errors, Duration retryAfter) {
        super(detail, null, false, false);
        this.type = type;
        this.errors = List.copyOf(errors);
        this.retryAfter = retryAfter;
    }

    public ProblemType type() {
        return type;
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** When the client may try again (the {@code Retry-After} header), or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** 503: the request may succeed if repeated after {@code retryAfter}. */
    public static ApiProblem unavailable(String detail, Duration retryAfter) {
        return new ApiProblem(ProblemType.UNAVAILABLE, detail, List.of(), retryAfter);
    }

    public static ApiProblem notFound(String what, Object id) {
        return new ApiProblem(ProblemType.NOT_FOUND, what + " " + id + " does not exist");
    }

    public static ApiProblem badRequest(String detail) {
        return new ApiProblem(ProblemType.BAD_REQUEST, detail);
    }

    public static ApiProblem forbidden(String detail) {
        return new ApiProblem(ProblemType.FORBIDDEN, detail);
    }

    public static ApiProblem duplicate(String detail) {
        return new ApiProblem(ProblemType.DUPLICATE, detail);
    }

    /** The uniqueness check before a create: fails with {@link #duplicate} when {@code taken} says yes. */
    public static Uni<Void> failIfTaken(Uni<Boolean> taken, String detail) {
        return taken.chain(t -> t ? Uni.createFrom().failure(duplicate(detail)) : Uni.createFrom().voidItem());
    }

    public static ApiProblem stale(String what, Object id, long expected, long actual) {
        return new ApiProblem(ProblemType.VERSION_CONFLICT,
                what + " " + id + " is at version " + actual + ", the request was based on version " + expected
                        + "; read it again and retry");
    }

    public static ApiProblem conflict(String detail) {
        return new ApiProblem(ProblemType.CONFLICT, detail);
    }
}
