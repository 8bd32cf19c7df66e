package org.securemail.provisioning.smtpuser;

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
    public record UpdateSmtpUser(
            @NotNull Long version,
            @Size(min = 12) @MaxUtf8Bytes(72) String password,
            Boolean enabled) {

        @Override
        public String toString() {
            return "UpdateSmtpUser[version=" + version + ", enabled=" + enabled + "]";
        }
    }

    public record SmtpUserView(UUID id, UUID tenantId, String username, boolean enabled, long version,
            Instant createdAt, Instant updatedAt) {

        static SmtpUserView of(SmtpUser u) {
            return new SmtpUserView(u.id, u.tenantId, u.username, u.enabled, u.version, u.createdAt, u.updatedAt);
        }
    }
}
