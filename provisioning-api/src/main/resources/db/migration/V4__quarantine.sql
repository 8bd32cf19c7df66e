-- Quarantined mail (issue 14): an index of the records on mail.quarantine. The message itself stays on the topic
-- (30 days' retention); a release reads it back by partition and offset and writes it to mail.ready.
CREATE TABLE quarantined_message (
    id               uuid         PRIMARY KEY,
    queue_id         varchar(64)  NOT NULL,
    tenant_id        uuid,
    sender           varchar(512) NOT NULL,
    recipients       text         NOT NULL,
    action           varchar(16)  NOT NULL,
    reasons          text         NOT NULL,
    size_bytes       bigint       NOT NULL,
    kafka_partition  integer      NOT NULL,
    kafka_offset     bigint       NOT NULL,
    held_at          timestamptz  NOT NULL,
    state            varchar(16)  NOT NULL,
    state_changed_at timestamptz  NOT NULL,
    CONSTRAINT quarantined_message_record UNIQUE (kafka_partition, kafka_offset)
);
CREATE INDEX quarantined_message_tenant ON quarantined_message (tenant_id, id);
CREATE INDEX quarantined_message_queue_id ON quarantined_message (queue_id);
