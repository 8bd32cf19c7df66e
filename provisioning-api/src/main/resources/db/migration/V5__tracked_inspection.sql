-- What the inspection stage found for an inbound message (issue 14): one row per action it took (a message to
-- several domains may be delivered for some and held for others). checks and reasons are JSON arrays.
CREATE TABLE tracked_inspection (
    queue_id    varchar(64)  NOT NULL,
    action      varchar(16)  NOT NULL,
    checks      text         NOT NULL,
    reasons     text         NOT NULL,
    failed_open text         NOT NULL,
    passes      integer      NOT NULL,
    at          timestamptz  NOT NULL,
    PRIMARY KEY (queue_id, action)
);
