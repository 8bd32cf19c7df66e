package org.securemail.provisioning.api;

import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.securemail.provisioning.error.Problem;

/**
 * Documents the error answers of every {@code /api/v1} operation as RFC 9457 problem+json, so clients see them in
 * the OpenAPI document without an annotation on each method.
 */
public class ProblemResponsesFilter implements OASFilter {

    private static final String REF = "#/components/schemas/Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.components(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema("Problem", problemSchema());
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith("/api/")) {
                item.getOperations().forEach((method, op) -> addProblems(method, op));
            }
        });
    }

    private static void addProblems(PathItem.HttpMethod method, Operation op) {
        APIResponses responses = op.getResponses() == null ? OASFactory.createAPIResponses() : op.getResponses();
        add(responses, "401", "missing, unknown or revoked API key");
        add(responses, "403", "not allowed for this API key");
        add(responses, "404", "not found, or another tenant's");
        if (method == PathItem.HttpMethod.POST || method == PathItem.HttpMethod.PUT) {
            add(responses, "400", "malformed JSON, unknown field or invalid value (errors[] names the fields)");
            add(responses, "409", "duplicate or stale version");
        } else if (method == PathItem.HttpMethod.GET) {
            add(responses, "400", "invalid query parameter (limit, cursor, from/to, status)");
        }
        op.responses(responses);
    }

    private static void add(APIResponses responses, String status, String description) {
        var problem = OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(REF)));
        var existing = responses.getAPIResponse(status);
        if (existing == null) {
            responses.addAPIResponse(status, OASFactory.createAPIResponse().description(description).content(problem));
        } else if (existing.getContent() == null) {
            // e.g. the 400 smallrye-openapi adds for Bean Validation: say what its body looks like
            existing.content(problem);
        }
    }

    private static Schema problemSchema() {
        Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        Schema fieldError = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .properties(Map.of("field", string, "message", string));
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("RFC 9457 problem details; type is a stable URI under https://securemail.org/problems/")
                .properties(Map.of(
                        "type", OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("uri"),
                        "title", string,
                        "status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER),
                        "detail", string,
                        "instance", string,
                        "errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(fieldError)));
    }
}
