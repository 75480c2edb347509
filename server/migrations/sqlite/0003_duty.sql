-- A leader's reason for disputing or correcting claimed hours, shown to the volunteer.
ALTER TABLE service_records ADD COLUMN decision_reason TEXT;
