#pragma once

namespace CLI {
class App;
}

namespace awb::cli {

struct CliContext;

// Adds `import FILE.pt --name N --input-shape N,C,H,W [--anytime] [--models-dir DIR] [--json]`
// under the `models` subcommand (docs/torchscript-import.md).
void registerModelsImportCommand(CLI::App& models, CliContext& context);

} // namespace awb::cli
