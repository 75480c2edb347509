-- The area tree: district 区 → street/town 街道/镇 → community 社区.
-- Population is the resident count (常住人口) with the date it was counted; the 2% target is
-- computed from it, never stored.
CREATE TABLE areas (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER CONSTRAINT areas_parent_fkey REFERENCES areas (id) ON DELETE RESTRICT,
    kind TEXT NOT NULL CONSTRAINT areas_kind_check CHECK (kind IN ('district', 'street', 'community')),
    name TEXT NOT NULL CONSTRAINT areas_name_check CHECK (length(trim(name)) > 0),
    population INTEGER NOT NULL DEFAULT 0 CONSTRAINT areas_population_check CHECK (population >= 0),
    population_counted_on TEXT,
    -- Optional boundary as a GeoJSON Polygon/MultiPolygon geometry (WGS-84).
    boundary TEXT,
    CONSTRAINT areas_parent_name_key UNIQUE (parent_id, name)
);

-- Children of an area, by name: the tree pages and the header.
CREATE INDEX areas_parent_name_idx ON areas (parent_id, name);

-- SQLite treats NULL parents as distinct in UNIQUE; PostgreSQL uses NULLS NOT DISTINCT.
-- This keeps root names unique on both, so the conformance suite sees one behaviour.
CREATE UNIQUE INDEX areas_root_name_key ON areas (name) WHERE parent_id IS NULL;
