-- Releases are at-least-once (ADR 0073): a release claims its row (HELD -> RELEASING) and stamps the claim with the
-- database's clock; a row still RELEASING a while after its claim (a crash, or a write whose outcome is unknown) is
-- claimed again by the sweeper of one replica and written again. release_attempts counts the writes begun.
ALTER TABLE quarantined_message ADD COLUMN release_claimed_at timestamptz;
ALTER TABLE quarantined_message ADD COLUMN release_attempts integer NOT NULL DEFAULT 0;
-- rows left RELEASING before this migration are due at once
UPDATE quarantined_message SET release_claimed_at = state_changed_at, release_attempts = 1 WHERE state = 'RELEASING';
CREATE INDEX quarantined_message_releasing ON quarantined_message (release_claimed_at) WHERE state = 'RELEASING';
