-- The area tree: district 区 → street/town 街道/镇 → community 社区.
-- Population is the resident count (常住人口) with the date it was counted; the 2% target is
-- computed from it, never stored.
CREATE TABLE areas (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id BIGINT CONSTRAINT areas_parent_fkey REFERENCES areas (id) ON DELETE RESTRICT,
    kind TEXT NOT NULL CONSTRAINT areas_kind_check CHECK (kind IN ('district', 'street', 'community')),
    name TEXT NOT NULL CONSTRAINT areas_name_check CHECK (length(trim(name)) > 0),
    population BIGINT NOT NULL DEFAULT 0 CONSTRAINT areas_population_check CHECK (population >= 0),
    population_counted_on DATE,
    -- Optional boundary as a GeoJSON Polygon/MultiPolygon geometry (WGS-84).
    boundary TEXT,
    CONSTRAINT areas_parent_name_key UNIQUE NULLS NOT DISTINCT (parent_id, name)
);

-- Children of an area, by name: the tree pages and the header.
CREATE INDEX areas_parent_name_idx ON areas (parent_id, name);
