-- The triage timeline names each step (report, acknowledge, refer, …, assign, publish), so an
-- assignment or publishing shows on it beside the status changes; the incident keeps its latest
-- referral so lists need not read the timeline.
ALTER TABLE incident_events ADD COLUMN step TEXT NOT NULL DEFAULT 'report';
ALTER TABLE incident_events ADD COLUMN assignee_id BIGINT CONSTRAINT incident_events_assignee_fkey REFERENCES volunteers (id);
ALTER TABLE incidents ADD COLUMN referred_to TEXT;
-- A leader's list: open incidents of an area, urgent first.
CREATE INDEX incidents_area_status_idx ON incidents (area_id, status, severity);
