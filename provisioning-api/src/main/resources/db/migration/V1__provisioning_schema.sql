-- Provisioning API schema. Every tenant-scoped table carries tenant_id so that each query can filter on it.

CREATE TABLE tenant (
    id          uuid PRIMARY KEY,
    name        varchar(200) NOT NULL,
    created_at  timestamptz  NOT NULL,
    updated_at  timestamptz  NOT NULL,
    version     bigint       NOT NULL
);

CREATE TABLE domain (
    id                  uuid PRIMARY KEY,
    tenant_id           uuid         NOT NULL REFERENCES tenant (id),
    name                varchar(253) NOT NULL,
    inbound_enabled     boolean      NOT NULL,
    next_hops           text         NOT NULL,
    recipient_list_only boolean      NOT NULL,
    max_message_size    bigint       NOT NULL,
    outbound_allowed    boolean      NOT NULL,
    spf_mode            varchar(16)  NOT NULL,
    dmarc_mode          varchar(16)  NOT NULL,
    dnsbl_zones         text         NOT NULL,
    created_at          timestamptz  NOT NULL,
    updated_at          timestamptz  NOT NULL,
    version             bigint       NOT NULL,
    CONSTRAINT domain_name_unique UNIQUE (name)
);
CREATE INDEX domain_tenant_idx ON domain (tenant_id, id);

CREATE TABLE recipient (
    id          uuid PRIMARY KEY,
    tenant_id   uuid         NOT NULL REFERENCES tenant (id),
    domain_id   uuid         NOT NULL REFERENCES domain (id),
    local_part  varchar(64)  NOT NULL,
    created_at  timestamptz  NOT NULL,
    version     bigint       NOT NULL,
    CONSTRAINT recipient_unique UNIQUE (domain_id, local_part)
);
CREATE INDEX recipient_tenant_idx ON recipient (tenant_id, domain_id, id);

CREATE TABLE smtp_user (
    id            uuid PRIMARY KEY,
    tenant_id     uuid         NOT NULL REFERENCES tenant (id),
    username      varchar(320) NOT NULL,
    password_hash varchar(100) NOT NULL,
    enabled       boolean      NOT NULL,
    created_at    timestamptz  NOT NULL,
    updated_at    timestamptz  NOT NULL,
    version       bigint       NOT NULL,
    CONSTRAINT smtp_user_username_unique UNIQUE (username)
);
CREATE INDEX smtp_user_tenant_idx ON smtp_user (tenant_id, id);

CREATE TABLE api_key (
    id           uuid PRIMARY KEY,
    key_hash     char(64)     NOT NULL,
    key_prefix   varchar(16)  NOT NULL,
    role         varchar(16)  NOT NULL,
    tenant_id    uuid         REFERENCES tenant (id),
    description  varchar(200),
    created_at   timestamptz  NOT NULL,
    revoked_at   timestamptz,
    version      bigint       NOT NULL,
    CONSTRAINT api_key_hash_unique UNIQUE (key_hash),
    CONSTRAINT api_key_role_scope CHECK ((role = 'OPERATOR' AND tenant_id IS NULL) OR (role = 'TENANT' AND tenant_id IS NOT NULL))
);
CREATE INDEX api_key_tenant_idx ON api_key (tenant_id, id);

-- Transactional outbox: written in the same transaction as the change, published in id order, deleted once acknowledged.
CREATE TABLE outbox_event (
    id          bigserial PRIMARY KEY,
    topic       varchar(249) NOT NULL,
    record_key  varchar(400) NOT NULL,
    payload     text,
    created_at  timestamptz  NOT NULL
);

-- Message tracking, fed from mail.accepted and delivery.events. Idempotent by natural keys.
CREATE TABLE tracked_message (
    queue_id     varchar(64)  PRIMARY KEY,
    tenant_id    uuid,
    sender       varchar(320) NOT NULL,
    direction    varchar(16),
    client_ip    varchar(64),
    size_bytes   bigint       NOT NULL,
    received_at  timestamptz  NOT NULL
);
CREATE INDEX tracked_message_tenant_idx ON tracked_message (tenant_id, received_at DESC, queue_id DESC);
CREATE INDEX tracked_message_received_idx ON tracked_message (received_at DESC, queue_id DESC);
CREATE INDEX tracked_message_sender_idx ON tracked_message (lower(sender));

CREATE TABLE tracked_recipient (
    queue_id     varchar(64)  NOT NULL,
    recipient    varchar(320) NOT NULL,
    status       varchar(16)  NOT NULL,
    attempts     integer      NOT NULL,
    updated_at   timestamptz  NOT NULL,
    PRIMARY KEY (queue_id, recipient)
);
CREATE INDEX tracked_recipient_rcpt_idx ON tracked_recipient (lower(recipient));
CREATE INDEX tracked_recipient_status_idx ON tracked_recipient (status, queue_id);

CREATE TABLE tracked_attempt (
    queue_id        varchar(64)  NOT NULL,
    recipient       varchar(320) NOT NULL,
    attempt         integer      NOT NULL,
    outcome         varchar(16)  NOT NULL,
    remote_host     varchar(400),
    reply           text,
    next_attempt_at timestamptz,
    at              timestamptz  NOT NULL,
    PRIMARY KEY (queue_id, recipient, attempt, outcome)
);
