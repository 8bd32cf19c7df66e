-- Webhooks per tenant (issue 16 item 3, ADR 0078): endpoints that are sent signed events through Kafka.
--
-- secret is the signing key (HMAC-SHA256), which the dispatcher must read back to sign, so it cannot be hashed like a
-- password. It is sealed with AES-256-GCM under provisioning.webhooks.secret-key ("v1:" + base64(nonce|ciphertext),
-- the endpoint id as associated data) when the operator set that key, else kept as "plain:<secret>". After a rotation
-- the old secret stays in previous_secret, and events carry a signature with each, until previous_secret_expires_at.
--
-- failing_since is the first failed attempt after the last success: an endpoint still failing
-- provisioning.webhooks.disable-after (24 h) after it is disabled (enabled = false, disabled_at, disabled_reason).
CREATE TABLE webhook_endpoint (
    id                         uuid          PRIMARY KEY,
    tenant_id                  uuid          NOT NULL REFERENCES tenant (id),
    url                        varchar(2048) NOT NULL,
    event_types                varchar(500)  NOT NULL,
    description                varchar(200),
    secret                     varchar(200)  NOT NULL,
    previous_secret            varchar(200),
    previous_secret_expires_at timestamptz,
    enabled                    boolean       NOT NULL,
    disabled_at                timestamptz,
    disabled_reason            varchar(500),
    failing_since              timestamptz,
    consecutive_failures       integer       NOT NULL DEFAULT 0,
    last_failure               varchar(500),
    last_failure_at            timestamptz,
    last_success_at            timestamptz,
    created_at                 timestamptz   NOT NULL,
    version                    bigint        NOT NULL
);
CREATE INDEX webhook_endpoint_tenant_idx ON webhook_endpoint (tenant_id, id);

-- Events the API raises about a tenant's webhooks themselves (webhook.disabled), listed by /api/v1/webhooks/events.
-- Message events (delivered, deferred, bounced, quarantined) are not kept here: they are in tracking and on Kafka.
-- id is time-ordered (the list's order and cursor).
CREATE TABLE webhook_event (
    id          uuid          PRIMARY KEY,
    tenant_id   uuid          NOT NULL REFERENCES tenant (id),
    endpoint_id uuid,
    type        varchar(40)   NOT NULL,
    payload     text          NOT NULL,
    created_at  timestamptz   NOT NULL
);
CREATE INDEX webhook_event_tenant_idx ON webhook_event (tenant_id, id);
