package org.securemail.provisioning.auth;

/** What an API key may do. */
public enum Role {
    /** Every tenant's data, tenants and operator keys. */
    OPERATOR,
    /** Its own tenant's data only. */
    TENANT
}
