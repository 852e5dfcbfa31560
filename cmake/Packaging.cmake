# The Debian package: `cpack -G DEB` in a build tree (docs/packaging.md). It holds everything the
# install() rules put under the prefix, /usr in the package: the three binaries, the shipped
# zoo (share/alertwb), the daemon's unit, sysusers.d and tmpfiles.d files, the desktop entry,
# AppStream metadata, icons and manual pages (packaging/CMakeLists.txt).

set(AWB_PACKAGE_MAINTAINER "ALERT Workbench maintainers <alertwb@example.org>"
    CACHE STRING "Maintainer field of the Debian package: Name <address>")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME alertwb)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "ALERT Workbench")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "workbench for DNN inference under accuracy, latency and energy goals")
# One string (a list would join its parts with ';'); CPack indents each line of the control
# file's Description and turns an empty line into " .".
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "ALERT Workbench profiles candidate DNNs, traditional ones and anytime\n"
    "networks, across system power caps (RAPL, NVML or an emulated device) into\n"
    "an SQLite store, shows the accuracy, latency and energy frontiers, exports\n"
    "profile tables, and runs the ALERT controller live against a workload. It\n"
    "ships a trained model zoo for Fashion-MNIST.\n"
    "\n"
    "The package holds the Qt workbench (alertwb), the headless alertwb-cli for\n"
    "target devices, and alertwb-powerd, a root helper that sets power caps for\n"
    "members of the alertwb group.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# The dev and release trees carry symbols (RelWithDebInfo in dev); the package does not need them.
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${AWB_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends comes from dpkg-shlibdeps on the packaged binaries: the Debian packages of exactly the
# libraries they link (LibTorch, Qt 6, SQLite, zlib, the C and C++ runtimes), each with the
# minimum version its shlibs/symbols file names. A hand-written list would drift from the link
# lines. The Qt platform plugins (xcb, offscreen) and the SVG icon engine come with
# libqt6gui6 and libqt6svg6, which the binaries link, so they need no entry of their own.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Accuracy profiling, training and live runs read /usr/share/datasets/fashion-mnist; doctor,
# the frontier views, export and replay work without it.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS dataset-fashion-mnist)

# postinst creates the alertwb group and /run/alertwb; none of the scripts needs systemd.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
