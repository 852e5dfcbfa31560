#pragma once

#include "core/models/candidate.h"
#include "core/records/model_record.h"
#include "core/records/profile_record.h"

#include <compare>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace awb::core {

struct ImageSet;
class PowerBackend;

// Caps are compared at milliwatt resolution: 45 W requested and 45.0000001 W read back from a
// settings file are the same cap.
std::int64_t capKeyMilliwatts(double capW);

// What identifies a cell of a sweep; a resumed session skips the keys it already holds.
struct ProfileCellKey {
    std::int64_t modelId = 0;
    int outputIndex = 0;
    std::int64_t capMilliwatts = 0;

    static ProfileCellKey of(const ProfileCellRecord& cell);
    auto operator<=>(const ProfileCellKey&) const = default;
};

struct ProfilerSettings {
    std::vector<double> capsW; // swept in this order (W)
    int warmup = 5; // untimed inferences before each cell's samples
    int replicates = 50; // timed inferences per cell: the latency samples
    std::size_t evalSamples = 1000; // test images for each output's accuracy (once per model)
    double noiseThreshold = 0.10; // a cell is noisy when IQR / median exceeds this
    int threads = 1; // LibTorch intra-op threads (batch-1 is fastest on one here)
    double capSettleS = 0.0; // wait after setting a cap, for the hardware controller to settle (s)

    // Throws std::invalid_argument naming the setting: no caps, a repeated cap, warmup < 0,
    // replicates < 1, evalSamples < 1, threads < 1, a negative or non-finite threshold/settle.
    void validate() const;
    // Canonical JSON (fixed key order): stored as the session's settings and compared when a
    // sweep is resumed, so only an identical sweep picks up an unfinished session.
    std::string toJson() const;
    // Reads toJson()'s text back (a stored session's settings); throws std::invalid_argument
    // when a key is missing or of the wrong type.
    static ProfilerSettings fromJson(const std::string& text);
};

// A model ready to profile: its store row (id, name, outputs) and the candidate that runs it.
struct ProfileModel {
    ModelRecord record;
    Candidate candidate;
};

struct ProfileProgress {
    std::size_t cellsDone = 0; // in this run, measured or skipped
    std::size_t cellsTotal = 0; // models × outputs × caps
    std::string message; // one line, e.g. "cnn-m output 0 @ 45.0 W: median 0.612 ms ..."
};

// How the profiler reports: a store sink, a progress line, a cancel button.
// Threading: called on the profiling thread.
class ProfileListener {
public:
    virtual ~ProfileListener() = default;
    // A finished cell, before the next one starts: keep it (a kill after this loses nothing).
    virtual void onCell(const ProfileCellRecord& cell) = 0;
    virtual void onProgress(const ProfileProgress& progress) { (void)progress; }
    // A cell's measurement begins (after its cap is set): `cell` names it, e.g. "cnn-m output 0 @ 45.0 W".
    virtual void onCellStarted(const std::string& cell) { (void)cell; }
    // Polled between inferences; a cancelled cell is dropped, finished ones stay.
    virtual bool cancelRequested() { return false; }
};

struct ProfileOutcome {
    bool cancelled = false;
    std::size_t measured = 0;
    std::size_t skipped = 0; // already in `finished`
};

// Sweeps models × caps × outputs on one power backend (DESIGN.md, core/profile). Per cell:
// `warmup` untimed inferences, then `replicates` timed ones to the cell's output, each on the
// next test image, through StagedRunner (InferenceMode, `threads`). Latency median, IQR and p95
// come from those samples. Energy is read from the backend around the timed inferences, and
// the window is extended with more inferences until it is at least the backend's
// minEnergyWindowS(); energy per inference = window energy / inferences in it, power = window
// energy / window time. On the emulated backend each stage is stretched to its DVFS-modelled
// time (DutyCycleExecutor) and the latency is that modelled time. Accuracy of each output is
// measured once per model on the first `evalSamples` test images (caps do not change the
// arithmetic). The backend's cap is left at the last level swept: restoring it is the
// CapGuard's job.
// Threading: blocks the calling thread; the candidates must not be used elsewhere meanwhile.
class Profiler {
public:
    // Validates the settings and that every cap is inside backend.capRange() (throws
    // PowerCapRangeError naming the range) before anything runs.
    Profiler(PowerBackend& backend, ProfilerSettings settings);

    // Measures every cell not in `finished`, in cap-major order (each cap is set once).
    // Throws PowerError when the machine refuses a cap, std::invalid_argument when a model's
    // input shape is not the images' (accuracy needs labelled images of its shape).
    ProfileOutcome run(std::vector<ProfileModel>& models, const ImageSet& testImages,
        const std::set<ProfileCellKey>& finished, ProfileListener& listener);

    const ProfilerSettings& settings() const { return m_settings; }

private:
    PowerBackend& m_backend;
    ProfilerSettings m_settings;
};

} // namespace awb::core
