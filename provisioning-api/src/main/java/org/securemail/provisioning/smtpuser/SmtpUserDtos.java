package org.securemail.provisioning.smtpuser;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** JSON bodies of {@code /api/v1/smtp-users}. Passwords go in, never out. */
public final class SmtpUserDtos {

    /** A login name: an address-like {@code local@domain} or a plain name; no spaces or control characters. */
    public static final String USERNAME = "[A-Za-z0-9._%+=-]+(@[A-Za-z0-9.-]+)?";

    private SmtpUserDtos() {
    }

    /**
     * @param tenantId required with an operator key
     * @param password 12 characters to 72 bytes in UTF-8 (bcrypt's limit)
     */
    @Schema(example = "{\"tenantId\": \"3f0c2a9e-8d1b-4c55-9a7e-2b6f1d0c4e11\", \"username\": \"app@example.com\", \"password\": \"correct-horse-battery-staple\", \"enabled\": true}")
    public record CreateSmtpUser(
            UUID tenantId,
            @NotBlank @Size(max = 320) @Pattern(regexp = USERNAME, message = "letters, digits, ._%+=- and one optional @domain") String username,
            @NotNull @Size(min = 12) @MaxUtf8Bytes(72) String password,
            Boolean enabled) {

        @Override
        public String toString() {
            return "CreateSmtpUser[tenantId=" + tenantId + ", username=" + username + ", enabled=" + enabled + "]";
        }
    }

    /** Changes the password (when given) and/or the enabled flag; {@code version} is the one last read. */
    @Schema(example = "{\"version\": 1, \"password\": \"a-new-long-passphrase\", \"enabled\": true}")
    public record UpdateSmtpUser(
            @NotNull Long version,
            @Size(min = 12) @MaxUtf8Bytes(72) String password,
            Boolean enabled) {

        @Override
        public String toString() {
            return "UpdateSmtpUser[version=" + version + ", enabled=" + enabled + "]";
        }
    }

    @Schema(example = "{\"id\": \"0b7e6c5d-4a3b-4c2d-8e1f-9a8b7c6d5e4f\", \"tenantId\": \"3f0c2a9e-8d1b-4c55-9a7e-2b6f1d0c4e11\", \"username\": \"app@example.com\", \"enabled\": true, \"version\": 1, \"createdAt\": \"2026-12-06T10:15:30Z\", \"updatedAt\": \"2026-12-06T10:15:30Z\"}")
    public record SmtpUserView(UUID id, UUID tenantId, String username, boolean enabled, long version,
            Instant createdAt, Instant updatedAt) {

        static SmtpUserView of(SmtpUser u) {
            return new SmtpUserView(u.id, u.tenantId, u.username, u.enabled, u.version, u.createdAt, u.updatedAt);
        }
    }
}
