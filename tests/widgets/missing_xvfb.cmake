# Stands in for the page screenshot test when xvfb-run was not found at configure time, so the
# test fails and says why instead of disappearing from the suite.
message(FATAL_ERROR "xvfb-run was not found when this build was configured. The page screenshot test "
    "needs a virtual X server: install xvfb and xauth (scripts/install-deps.sh does), then configure again.")
