-- A leader's reason for disputing or correcting claimed hours, shown to the volunteer.
ALTER TABLE service_records ADD COLUMN decision_reason TEXT;
-- These keys are the assignment's id, never generated (0002 declared them as identities).
ALTER TABLE service_records ALTER COLUMN assignment_id DROP IDENTITY;
ALTER TABLE track_summaries ALTER COLUMN assignment_id DROP IDENTITY;
