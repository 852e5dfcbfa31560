#pragma once

#include <stdexcept>
#include <string>

namespace awb::db {

// Every refusal from the store layer: `what()` is one line a user can act on
// (it names the file and the reason). The CLI maps it to exit code 2.
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace awb::db
