package org.securemail.common.provisioning;

/**
 * A submission user, published on {@code provisioning.users} keyed by {@code username}.
 *
 * @param username     login name
 * @param tenantId     owning tenant
 * @param passwordHash bcrypt hash in modular crypt format ({@code $2a$...}); never the password
 * @param enabled      false blocks AUTH
 * @param version      optimistic-lock version of the source row
 */
public record SmtpUserRecord(String username, String tenantId, String passwordHash, boolean enabled, long version) {
}
