-- Schema v2: model_output.test_accuracy may be NULL. An imported model whose input is not that
-- of a labelled data set the workbench has (Fashion-MNIST) has no test accuracy, and 0 would be
-- read as a measured one.
--
-- SQLite cannot drop a NOT NULL constraint in place, so the table is rebuilt. Foreign keys are on
-- while migrations run (and cannot be switched off inside their transaction): dropping
-- model_output while input_correctness references it would cascade-delete every per-input
-- correctness row. So input_correctness is rebuilt as well, referencing the new table, and the
-- old tables are dropped child first; renaming the new model_output rewrites the reference.

CREATE TABLE model_output_v2 (
    model_id              INTEGER NOT NULL REFERENCES model (id) ON DELETE CASCADE,
    output_index          INTEGER NOT NULL CHECK (output_index >= 0),
    cumulative_macs       INTEGER NOT NULL,
    cumulative_parameters INTEGER NOT NULL,
    test_accuracy         REAL, -- fraction in [0, 1]; NULL: no labelled data set goes with the model
    PRIMARY KEY (model_id, output_index)
) WITHOUT ROWID;
INSERT INTO model_output_v2 (model_id, output_index, cumulative_macs, cumulative_parameters, test_accuracy)
    SELECT model_id, output_index, cumulative_macs, cumulative_parameters, test_accuracy FROM model_output;

CREATE TABLE input_correctness_v2 (
    model_id     INTEGER NOT NULL,
    output_index INTEGER NOT NULL,
    dataset_id   INTEGER NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
    input_count  INTEGER NOT NULL,
    correct_bits BLOB NOT NULL,
    PRIMARY KEY (model_id, output_index, dataset_id),
    FOREIGN KEY (model_id, output_index) REFERENCES model_output_v2 (model_id, output_index) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO input_correctness_v2 (model_id, output_index, dataset_id, input_count, correct_bits)
    SELECT model_id, output_index, dataset_id, input_count, correct_bits FROM input_correctness;

DROP TABLE input_correctness;
DROP TABLE model_output;
ALTER TABLE model_output_v2 RENAME TO model_output;
ALTER TABLE input_correctness_v2 RENAME TO input_correctness;
