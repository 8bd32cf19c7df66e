-- Suppression lists per tenant (issue 16, ADR 0075): addresses the tenant's submissions may not be sent to. address is
-- the compared form (SuppressionRecord.address: local part lower case, domain as lower-case A-labels); domain is its
-- domain part, for the list's filter. queue_id and reply name the bounce that added a HARD_BOUNCE entry.
CREATE TABLE suppression (
    id          uuid PRIMARY KEY,
    tenant_id   uuid          NOT NULL REFERENCES tenant (id),
    address     varchar(254)  NOT NULL,
    domain      varchar(255)  NOT NULL,
    reason      varchar(16)   NOT NULL CHECK (reason IN ('HARD_BOUNCE', 'MANUAL', 'COMPLAINT')),
    queue_id    varchar(64),
    reply       varchar(1000),
    created_at  timestamptz   NOT NULL,
    version     bigint        NOT NULL,
    CONSTRAINT suppression_unique UNIQUE (tenant_id, address)
);
CREATE INDEX suppression_tenant_idx ON suppression (tenant_id, id);
CREATE INDEX suppression_tenant_domain_idx ON suppression (tenant_id, domain, id);
