-- Hardening (issue #10).

-- One check-in and one check-out in force per assignment, enforced by the database: two phones
-- sending different keys for the same check-in store one. A row stays in the record when a later
-- one replaces it (superseded_at set); rows stored twice before this migration keep the first.
ALTER TABLE check_events ADD COLUMN superseded_at BIGINT;
UPDATE check_events SET superseded_at = received_at
WHERE EXISTS (SELECT 1 FROM check_events e
              WHERE e.assignment_id = check_events.assignment_id
                AND e.kind = check_events.kind AND e.id < check_events.id);
CREATE UNIQUE INDEX check_events_in_force_key ON check_events (assignment_id, kind)
WHERE superseded_at IS NULL;

-- A password set by an admin's reset (or the command line) is temporary: the next login must
-- replace it before anything else works.
ALTER TABLE volunteers ADD COLUMN password_temporary BOOLEAN NOT NULL DEFAULT FALSE;

-- The calendar link's generation: renewing the link bumps it, and the old link stops working.
ALTER TABLE volunteers ADD COLUMN calendar_generation BIGINT NOT NULL DEFAULT 0;

-- Rate limits shared by every app server: one counter per (hashed) key and window. The check
-- and the count are one statement (an upsert that refuses when over the limit), so parallel
-- attempts cannot all pass before their failures are counted.
CREATE TABLE rate_limits (
    key_hash TEXT PRIMARY KEY,
    hits BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX rate_limits_window_idx ON rate_limits (window_start);
-- Replaced by rate_limits (one counter per key instead of one row per failure).
DROP TABLE login_failures;

-- One point per moment of a track: a batch sent twice is stored once.
DELETE FROM track_points WHERE EXISTS (SELECT 1 FROM track_points t
    WHERE t.assignment_id = track_points.assignment_id AND t.at = track_points.at AND t.id < track_points.id);
DROP INDEX track_points_assignment_idx;
CREATE UNIQUE INDEX track_points_assignment_at_key ON track_points (assignment_id, at);

-- Check-in positions are 行踪轨迹 too: after the track retention they keep ~100 m precision.
ALTER TABLE check_events ADD COLUMN position_coarsened BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX check_events_fine_position_idx ON check_events (made_at) WHERE NOT position_coarsened;
