-- Queue operations (issue 16 item 2, ADR 0084): every operator action, who, when, what and why. Also published on
-- operator.actions through the outbox, in the same transaction.
CREATE TABLE operator_action (
    id        uuid         PRIMARY KEY,
    at        timestamptz  NOT NULL,
    operator  varchar(100) NOT NULL,
    action    varchar(32)  NOT NULL,
    target    varchar(400) NOT NULL,
    reason    varchar(500) NOT NULL,
    detail    text
);
CREATE INDEX operator_action_at_idx ON operator_action (at DESC, id DESC);
CREATE INDEX operator_action_target_idx ON operator_action (target, at DESC);
