-- Domain verification (issue 12): a domain row is a tenant's claim on a name. Several tenants may claim one name;
-- only a VERIFIED claim is published to provisioning.domains, and at most one claim per name is VERIFIED.
ALTER TABLE domain DROP CONSTRAINT domain_name_unique;
ALTER TABLE domain ADD CONSTRAINT domain_tenant_name_unique UNIQUE (tenant_id, name);

-- Domains that exist before this migration were published already; they stay in effect, verified by the migration
-- (verification.verifiedBy = MIGRATION in the API; an operator reviews them, docs/adr/0061-*).
ALTER TABLE domain ADD COLUMN verification_state varchar(16) NOT NULL DEFAULT 'VERIFIED';
ALTER TABLE domain ADD COLUMN verification_token varchar(64) NOT NULL DEFAULT md5(random()::text || clock_timestamp()::text);
ALTER TABLE domain ADD COLUMN verified_by varchar(16);
ALTER TABLE domain ADD COLUMN verified_at timestamptz;
ALTER TABLE domain ADD COLUMN last_check_at timestamptz;
ALTER TABLE domain ADD COLUMN last_check_outcome varchar(24);
ALTER TABLE domain ADD COLUMN last_check_detail varchar(300);
ALTER TABLE domain ADD COLUMN check_failures integer NOT NULL DEFAULT 0;
ALTER TABLE domain ADD COLUMN next_check_at timestamptz;
ALTER TABLE domain ADD COLUMN pending_since timestamptz;
UPDATE domain SET verified_by = 'MIGRATION', verified_at = now();
ALTER TABLE domain ALTER COLUMN verification_state DROP DEFAULT;
ALTER TABLE domain ALTER COLUMN verification_token DROP DEFAULT;

CREATE UNIQUE INDEX domain_verified_name_unique ON domain (name) WHERE verification_state = 'VERIFIED';
CREATE INDEX domain_check_due_idx ON domain (next_check_at) WHERE verification_state = 'PENDING';
