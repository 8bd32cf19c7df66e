package org.securemail.provisioning.error;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** RFC 9457 problem details body, with an {@code errors} extension member for field errors. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(URI type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(ProblemType type, String detail, String instance, List<FieldError> errors) {
        return new Problem(type.uri(), type.title(), type.status(), detail, instance, errors);
    }
}
