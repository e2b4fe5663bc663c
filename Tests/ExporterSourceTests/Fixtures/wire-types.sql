-- Regenerates wire-types.bin and wire-types-empty.bin (see README.md). Run from this folder:
--   PGTZ=UTC psql -X -v ON_ERROR_STOP=1 -f wire-types.sql
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TEMP TABLE wire_types (
    id int8 PRIMARY KEY,
    i2 int2, i4 int4,
    t text, vc varchar(20), bp char(5), nm name, ci citext,
    j json, jb jsonb,
    b bool,
    f4 float4, f8 float8,
    n numeric(20,8), nu numeric,
    ts timestamp, tz timestamptz, d date,
    u uuid
);
INSERT INTO wire_types VALUES
    (1, 1, 1, 'hello', 'vc', 'ab', 'nm', 'MiXeD', '{"a": 1,  "b":[1,2]}', '{"b": [1, 2], "a": "x"}',
     true, 1.5, 0.1, 12345.6789, 0.00,
     '2025-10-11 14:30:22.123456', '2025-10-11 14:30:22.123456+00', '2025-10-11',
     'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
    (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (3, -32768, -2147483648, '', '', '', '', '', '""', '{}',
     false, -2.5e-10, 1e20, -123456789012.12345678, -1234567890123456789012345678901234567890,
     '1969-07-20 20:17:40', '1900-01-01 00:00:00.000001+00', '1969-12-31',
     '00000000-0000-0000-0000-000000000000'),
    (4, 32767, 2147483647, E'Grüße, 東京 🚀 "quoted", comma\nnew line\ttab \\ backslash', 'ümlaut', 'äö', 'ñame', 'ÇiTeXt',
     '[1, "ü", null]', '{"emoji": "🚀", "nested": {"k": [true, null, 1.50]}, "quote": "a\"b"}',
     true, 3.4028235e38, -1.25, 0, 'NaN',
     '2150-06-30 23:59:59.999999', '2100-03-01 12:00:00+00', '2100-02-28',
     'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'),
    (5, 0, 0, 'x', 'y', 'abcde', 'z', 'w', '{}', '[]',
     false, 0, 0, 999999999999.99999999, 'Infinity',
     'infinity', '-infinity', 'infinity',
     '123e4567-e89b-12d3-a456-426614174000'),
    (6, -1, -1, 'last', 'v', 'c', 'n', 'c', 'null', 'null',
     true, -1, 2.5e-300, -0.00000001, '-Infinity',
     '-infinity', 'infinity', '-infinity',
     '0123abcd-4567-89ef-0123-456789abcdef'),
    (7, 2, 3, 'numerics', 'v', 'c', 'n', 'c', '1', '1.50',
     false, 1, 1, 0.5, 0.000001234,
     '1970-01-01 00:00:00', '1970-01-01 00:00:00+00', '2000-01-01',
     '0123abcd-4567-89ef-0123-456789abcdef'),
    (8, 2, 3, 'more numerics', 'v', 'c', 'n', 'c', '1', '1',
     false, 1, 1, 100000000, 10000.00010000,
     '2000-01-01 00:00:00', '1999-12-31 23:59:59.5+00', '1999-12-31',
     '0123abcd-4567-89ef-0123-456789abcdef'),
    (9, NULL, NULL, 'calendar edges', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     '0001-01-01 00:00:00', '0001-01-01 00:00:00+00', '0044-03-15 BC', NULL),
    (10, NULL, NULL, 'calendar edges', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, NULL, '10000-01-01', NULL);
\copy (SELECT * FROM wire_types ORDER BY id) TO 'wire-types.bin' WITH (FORMAT binary)
\copy (SELECT * FROM wire_types WHERE false) TO 'wire-types-empty.bin' WITH (FORMAT binary)
-- PostgreSQL's own text output of the same rows: the test's expected values.
\copy (SELECT * FROM wire_types ORDER BY id) TO 'wire-types.txt'
