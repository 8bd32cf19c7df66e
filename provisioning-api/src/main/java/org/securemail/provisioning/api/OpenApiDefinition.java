package org.securemail.provisioning.api;

import jakarta.ws.rs.core.Application;

import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/** OpenAPI document header: every {@code /api/v1} call needs an API key. */
@OpenAPIDefinition(
        info = @Info(title = "Securemail provisioning API", version = "1",
                description = "Tenants, domains, relay routes, recipients, SMTP users, policies, API keys and message"
                        + " tracking. Errors are application/problem+json (RFC 9457)."),
        security = @SecurityRequirement(name = "apiKey"),
        components = @Components(securitySchemes = {
                @SecurityScheme(securitySchemeName = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer",
                        description = "Authorization: Bearer <key> (or the X-API-Key header)"),
                @SecurityScheme(securitySchemeName = "apiKeyHeader", type = SecuritySchemeType.APIKEY,
                        apiKeyName = "X-API-Key", in = SecuritySchemeIn.HEADER)
        }))
public class OpenApiDefinition extends Application {
}
