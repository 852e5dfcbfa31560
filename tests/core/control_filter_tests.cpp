#include "core/control/slowdown_filter.h"
#include <gtest/gtest.h>
TEST(CoreControlFilter, Placeholder) { }
