-- One row: the highest outbox id of a batch being published and not yet deleted. Set (autocommit) before a batch
-- is sent, cleared in the transaction that deletes it. Found set at the start of a round, it means the previous
-- round died between send and delete: the relay then reads the last published outbox id of each partition from
-- Kafka and skips what is already there, so a crash does not publish a batch twice.
CREATE TABLE outbox_relay (
    id              integer PRIMARY KEY CHECK (id = 1),
    in_flight_upto  bigint
);
INSERT INTO outbox_relay (id, in_flight_upto) VALUES (1, NULL);
