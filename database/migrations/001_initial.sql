-- Schema v1 of the ALERT Workbench store. Units are in every column name.
-- Every top-level entity carries a `uid` (random, 32 hex digits) so `merge` can match
-- rows across stores; integer ids are local to one file and remapped on merge.

CREATE TABLE device (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE,
    host           TEXT NOT NULL,
    cpu_model      TEXT NOT NULL DEFAULT '',
    gpu_model      TEXT NOT NULL DEFAULT '',
    backend        TEXT NOT NULL CHECK (backend IN ('rapl', 'nvml', 'emulated')),
    emulation_json TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);

CREATE TABLE dataset (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    split        TEXT NOT NULL,
    sample_count INTEGER NOT NULL CHECK (sample_count >= 0),
    source       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE model (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('traditional', 'anytime')),
    source      TEXT NOT NULL,
    file_path   TEXT NOT NULL DEFAULT '',
    file_sha256 TEXT NOT NULL DEFAULT '',
    input_shape TEXT NOT NULL DEFAULT '',
    parameters  INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);
CREATE INDEX model_by_name ON model (name);

CREATE TABLE model_output (
    model_id              INTEGER NOT NULL REFERENCES model (id) ON DELETE CASCADE,
    output_index          INTEGER NOT NULL CHECK (output_index >= 0),
    cumulative_macs       INTEGER NOT NULL,
    cumulative_parameters INTEGER NOT NULL,
    test_accuracy         REAL NOT NULL,
    PRIMARY KEY (model_id, output_index)
) WITHOUT ROWID;

-- Per-input correctness, one packed bit string per (model, output, dataset): bit i of
-- byte i/8 (least significant first) is 1 when input i was classified correctly.
CREATE TABLE input_correctness (
    model_id     INTEGER NOT NULL,
    output_index INTEGER NOT NULL,
    dataset_id   INTEGER NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
    input_count  INTEGER NOT NULL,
    correct_bits BLOB NOT NULL,
    PRIMARY KEY (model_id, output_index, dataset_id),
    FOREIGN KEY (model_id, output_index) REFERENCES model_output (model_id, output_index) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE profile_session (
    id            INTEGER PRIMARY KEY,
    uid           TEXT NOT NULL UNIQUE,
    device_id     INTEGER NOT NULL REFERENCES device (id),
    dataset_id    INTEGER REFERENCES dataset (id),
    started_at    TEXT NOT NULL,
    finished_at   TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('running', 'complete', 'cancelled', 'failed')),
    seed          INTEGER NOT NULL DEFAULT 0,
    settings_json TEXT NOT NULL DEFAULT '{}',
    versions_json TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE profile_cell (
    id                INTEGER PRIMARY KEY,
    session_id        INTEGER NOT NULL REFERENCES profile_session (id) ON DELETE CASCADE,
    model_id          INTEGER NOT NULL REFERENCES model (id),
    output_index      INTEGER NOT NULL,
    power_cap_w       REAL NOT NULL,
    latency_median_ms REAL NOT NULL,
    latency_iqr_ms    REAL NOT NULL,
    latency_p95_ms    REAL NOT NULL,
    power_w           REAL NOT NULL,
    energy_j          REAL NOT NULL,
    accuracy          REAL NOT NULL,
    replicates        INTEGER NOT NULL,
    noisy             INTEGER NOT NULL CHECK (noisy IN (0, 1)),
    UNIQUE (session_id, model_id, output_index, power_cap_w)
);

CREATE TABLE run (
    id                 INTEGER PRIMARY KEY,
    uid                TEXT NOT NULL UNIQUE,
    device_id          INTEGER NOT NULL REFERENCES device (id),
    profile_session_id INTEGER REFERENCES profile_session (id),
    controller         TEXT NOT NULL,
    goal_mode          TEXT NOT NULL CHECK (goal_mode IN ('max-accuracy', 'min-energy')),
    deadline_ms        REAL NOT NULL,
    energy_budget_j    REAL NOT NULL DEFAULT 0,
    accuracy_goal      REAL NOT NULL DEFAULT 0,
    scenario           TEXT NOT NULL,
    contention_spec    TEXT NOT NULL DEFAULT '',
    seed               INTEGER NOT NULL DEFAULT 0,
    input_count        INTEGER NOT NULL DEFAULT 0,
    started_at         TEXT NOT NULL,
    finished_at        TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL CHECK (status IN ('running', 'complete', 'cancelled', 'failed')),
    settings_json      TEXT NOT NULL DEFAULT '{}'
);

-- One row per input, keyed by step_key = (run_id << 32) + input_index: the table is
-- clustered by run, so listing a run's steps and counting them read one contiguous rowid
-- range, and the live loop appends to the end of the b-tree. A rowid table keeps interior
-- pages to integer keys; as a WITHOUT ROWID table keyed on (run_id, input_index) it ingested
-- about a third fewer rows per second (bench_run_step_writer). The CHECK makes an insert that
-- forgets the key fail instead of landing outside its run's range.
CREATE TABLE run_step (
    step_key             INTEGER PRIMARY KEY CHECK (step_key = (run_id << 32) + input_index),
    run_id               INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
    input_index          INTEGER NOT NULL CHECK (input_index BETWEEN 0 AND 4294967295),
    arrival_ms           REAL NOT NULL,
    model_id             INTEGER NOT NULL REFERENCES model (id),
    output_reached       INTEGER NOT NULL,
    power_cap_w          REAL NOT NULL,
    latency_ms           REAL NOT NULL,
    energy_j             REAL NOT NULL,
    deadline_met         INTEGER NOT NULL,
    correct              INTEGER NOT NULL,
    xi_observed          REAL NOT NULL,
    xi_mean              REAL NOT NULL,
    xi_std               REAL NOT NULL,
    predicted_latency_ms REAL NOT NULL,
    predicted_energy_j   REAL NOT NULL,
    predicted_accuracy   REAL NOT NULL
);

CREATE TABLE run_event (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
    input_index INTEGER NOT NULL,
    time_ms     REAL NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX run_event_by_run ON run_event (run_id, input_index);
