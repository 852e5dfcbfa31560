#include "core/models/zoo.h"

#include "core/models/detail/architectures.h"
#include "core/models/detail/candidate_access.h"

#include <algorithm>
#include <functional>
#include <stdexcept>

namespace awb::core {

namespace {

    using detail::ConvSpec;

    struct Recipe {
        ZooEntry entry;
        std::function<detail::NetworkPtr(std::uint64_t seed)> build;
    };

    detail::TraditionalCnnConfig traditional(
        std::vector<ConvSpec> convs, bool globalPool, std::int64_t hidden, double dropout)
    {
        return { std::move(convs), globalPool, hidden, dropout };
    }

    const std::vector<Recipe>& recipes()
    {
        // Channel counts were chosen so that batch-1 latency spans > 20× from cnn-xs to cnn-l and
        // accuracy rises with cost; the figures are in docs/ (measured, never stored here).
        static const std::vector<Recipe> table = [] {
            std::vector<Recipe> out;
            auto addTraditional
                = [&](std::string name, int epochs, std::string description, detail::TraditionalCnnConfig config) {
                      out.push_back({ { name, ModelKind::Traditional, 1, epochs, std::move(description) },
                          [config](std::uint64_t seed) { return detail::makeTraditionalCnn(config, seed); } });
                  };
            addTraditional("cnn-xs", 3, "one 4-channel strided conv, max-pool, linear classifier",
                traditional({ { .channels = 4, .stride = 2, .maxPoolAfter = true } }, false, 0, 0.0));
            addTraditional("cnn-s", 3, "one 8-channel conv, max-pool, linear classifier",
                traditional({ { .channels = 8, .maxPoolAfter = true } }, false, 0, 0.0));
            addTraditional("cnn-m", 4, "two convs (16, 32 channels) with max-pools, linear classifier",
                traditional({ { .channels = 16, .maxPoolAfter = true }, { .channels = 32, .maxPoolAfter = true } },
                    false, 0, 0.0));
            addTraditional("cnn-l", 5,
                "VGG-style: four convs (32, 64, 64, 128), three max-pools, dropout, linear "
                "classifier",
                traditional({ { .channels = 32, .maxPoolAfter = true }, { .channels = 64 },
                                { .channels = 64, .maxPoolAfter = true }, { .channels = 128, .maxPoolAfter = true } },
                    false, 0, 0.25));

            const detail::WidthNestedConfig width { { 4, 4, 8, 16 }, { 1, 2, 2 } };
            out.push_back({ { "anytime-width4", ModelKind::Anytime, 4, 5,
                                "width-nested CNN: 3 conv layers (strides 1, 2, 2), channel groups 4, 4, 8, 16" },
                [width](std::uint64_t seed) { return detail::makeWidthNestedCnn(width, seed); } });
            const detail::DepthNestedConfig depth {
                { { .channels = 8 }, { .channels = 16, .stride = 2 }, { .channels = 32, .stride = 2 } }, 3
            };
            out.push_back({ { "anytime-depth3", ModelKind::Anytime, 3, 5,
                                "depth-nested interlaced CNN: 3 blocks (8, 16, 32 channels), depth doubling over 3 "
                                "stages, 1x1 conv + BN lateral adapters" },
                [depth](std::uint64_t seed) { return detail::makeDepthNestedCnn(depth, seed); } });
            return out;
        }();
        return table;
    }

    const Recipe& recipe(const std::string& name)
    {
        for (const Recipe& candidate : recipes()) {
            if (candidate.entry.name == name)
                return candidate;
        }
        std::string known;
        for (const Recipe& candidate : recipes())
            known += (known.empty() ? "" : ", ") + candidate.entry.name;
        throw std::invalid_argument("unknown zoo model '" + name + "' (known: " + known + ")");
    }

} // namespace

const std::vector<ZooEntry>& zooEntries()
{
    static const std::vector<ZooEntry> entries = [] {
        std::vector<ZooEntry> out;
        for (const Recipe& candidate : recipes())
            out.push_back(candidate.entry);
        return out;
    }();
    return entries;
}

const ZooEntry* findZooEntry(const std::string& name)
{
    for (const ZooEntry& entry : zooEntries()) {
        if (entry.name == name)
            return &entry;
    }
    return nullptr;
}

Candidate makeZooCandidate(const std::string& name, std::uint64_t seed)
{
    const Recipe& found = recipe(name);
    return detail::CandidateAccess::make(found.entry.name, found.entry.kind, found.build(seed));
}

Candidate loadZooCandidate(const std::string& name, const std::filesystem::path& weightsPath)
{
    Candidate candidate = makeZooCandidate(name);
    candidate.loadWeights(weightsPath);
    return candidate;
}

Candidate makeWidthNestedCandidate(const std::string& name, const std::vector<std::int64_t>& groupChannels,
    const std::vector<std::int64_t>& layerStrides, std::uint64_t seed)
{
    const bool badGroup = std::any_of(groupChannels.begin(), groupChannels.end(), [](auto c) { return c < 1; });
    const bool badStride
        = std::any_of(layerStrides.begin(), layerStrides.end(), [](auto s) { return s != 1 && s != 2; });
    if (name.empty() || groupChannels.empty() || layerStrides.empty() || badGroup || badStride)
        throw std::invalid_argument("a width-nested CNN needs a name, positive group sizes and strides of 1 or 2");
    return detail::CandidateAccess::make(
        name, ModelKind::Anytime, detail::makeWidthNestedCnn({ groupChannels, layerStrides }, seed));
}

} // namespace awb::core
