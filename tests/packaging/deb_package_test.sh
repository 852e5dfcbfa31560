#!/usr/bin/env bash
# Packaging.DebInstallsAndRuns: builds the Debian package from this build tree with CPack,
# checks its control fields and contents, unpacks it into a temporary root (dpkg -x) and runs
# the packaged binaries from there, with the shipped zoo found inside that root.
#
# Usage: deb_package_test.sh BUILD_DIR VERSION APP_ID CPACK DPKG_DEB DESKTOP_FILE_VALIDATE
#                            APPSTREAMCLI GROFF
set -euo pipefail

if [ $# -ne 8 ]; then
    echo "usage: $0 BUILD_DIR VERSION APP_ID CPACK DPKG_DEB DESKTOP_FILE_VALIDATE APPSTREAMCLI GROFF" >&2
    exit 2
fi
build_dir=$1 version=$2 app_id=$3 cpack=$4 dpkg_deb=$5 desktop_validate=$6 appstreamcli=$7 groff=$8

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
# A tool CMake did not find arrives as NAME-NOTFOUND: say which Debian package has it.
for tool in "$cpack:cmake" "$dpkg_deb:dpkg" "$desktop_validate:desktop-file-utils" \
    "$appstreamcli:appstream" "$groff:groff-base"; do
    if [[ ${tool%:*} == *-NOTFOUND ]]; then
        echo "FAIL: ${tool%:*}: install the Debian package ${tool##*:} (scripts/install-deps.sh) and reconfigure" >&2
        exit 1
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/alertwb-deb-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- build the package from the current tree (no second build: CPack only installs and packs)
if ! "$cpack" -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1; then
    cat "$work/cpack.log" >&2
    echo "FAIL: cpack -G DEB failed" >&2
    exit 1
fi
shopt -s nullglob
debs=("$work"/out/alertwb_*.deb)
if [ ${#debs[@]} -ne 1 ]; then
    cat "$work/cpack.log" >&2
    echo "FAIL: expected one alertwb_*.deb in the CPack output, found ${#debs[@]}" >&2
    exit 1
fi
deb=${debs[0]}
echo "package: $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB"

# --- control fields
field() { "$dpkg_deb" --field "$deb" "$1"; }
[ "$(field Package)" = alertwb ] || fail "Package is '$(field Package)', expected alertwb"
[ "$(field Version)" = "$version-1" ] || fail "Version is '$(field Version)', expected $version-1"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] \
    || fail "Architecture is '$(field Architecture)', expected $(dpkg --print-architecture)"
[ -n "$(field Maintainer)" ] || fail "no Maintainer field"
[ -n "$(field Description)" ] || fail "no Description field"
depends=$(field Depends)
echo "Depends: $depends"
# The libraries the binaries link, each through its Debian runtime package (dpkg-shlibdeps).
for package in 'libtorch[0-9.]+' libqt6core6 libqt6gui6 libqt6widgets6 libqt6charts6 libqt6svg6 \
    libsqlite3-0 zlib1g 'libstdc\+\+6' libc6; do
    grep -Eq "(^|, )$package( |,|$)" <<<"$depends" || fail "Depends lacks $package: $depends"
done
grep -q 'dataset-fashion-mnist' <<<"$(field Recommends)" || fail "Recommends lacks dataset-fashion-mnist"

# --- maintainer scripts: present, executable, valid sh
mkdir "$work/control"
"$dpkg_deb" --control "$deb" "$work/control"
for script in postinst prerm postrm; do
    if [ ! -x "$work/control/$script" ]; then
        fail "control script $script missing or not executable"
    elif ! sh -n "$work/control/$script"; then
        fail "control script $script is not valid sh"
    fi
done

# --- contents
"$dpkg_deb" --contents "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' >"$work/contents"
expect=(
    /usr/bin/alertwb /usr/bin/alertwb-cli /usr/sbin/alertwb-powerd
    /usr/share/alertwb/models/manifest.json
    "/usr/share/applications/$app_id.desktop"
    "/usr/share/metainfo/$app_id.metainfo.xml"
    "/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
    /usr/share/man/man1/alertwb-cli.1.gz /usr/share/man/man1/alertwb.1.gz /usr/share/man/man8/alertwb-powerd.8.gz
    /usr/lib/systemd/system/alertwb-powerd.service
    /usr/lib/sysusers.d/alertwb-powerd.conf /usr/lib/tmpfiles.d/alertwb-powerd.conf
    /usr/share/doc/alertwb/powerd.md
)
for model in cnn-xs cnn-s cnn-m cnn-l anytime-width4 anytime-depth3; do
    expect+=("/usr/share/alertwb/models/$model.pt")
done
for size in 16 32 48 64 128 256; do
    expect+=("/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png")
done
for path in "${expect[@]}"; do
    grep -qxF "$path" "$work/contents" || fail "the package lacks $path"
done
# Nothing from the build or test trees: every path is one the install rules name.
if grep -Ev '^/usr/(bin|sbin|share|lib/systemd|lib/sysusers\.d|lib/tmpfiles\.d)(/|$)|^/$|^/usr/$|^/usr/lib/$' \
    "$work/contents" >"$work/unexpected"; then
    fail "unexpected paths in the package: $(tr '\n' ' ' <"$work/unexpected")"
fi

# --- unpack into a temporary root and run from there
root="$work/root"
"$dpkg_deb" -x "$deb" "$root"
for size in 16 32 48 64 128 256; do
    png="$root/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png"
    [ -f "$png" ] || continue
    # The IHDR chunk: width and height, 4 bytes each big-endian, at offset 16.
    read -r w0 w1 w2 w3 h0 h1 h2 h3 < <(od -An -tu1 -j16 -N8 "$png")
    width=$(((w0 << 24) | (w1 << 16) | (w2 << 8) | w3)) height=$(((h0 << 24) | (h1 << 16) | (h2 << 8) | h3))
    if [ "$width" -ne "$size" ] || [ "$height" -ne "$size" ]; then
        fail "the ${size}x$size icon is ${width}x$height"
    fi
done

# Everything the binaries write goes under $work, never to the user's store or caps state; the
# resource override is unset so that only the packaged tree can supply the zoo.
run() {
    env -u ALERTWB_RESOURCE_DIR -u ALERTWB_STATE_DIR -u ALERTWB_FASHION_MNIST_DIR \
        HOME="$work/home" XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state" \
        XDG_CONFIG_HOME="$work/config" QT_QPA_PLATFORM=offscreen "$@"
}
mkdir -p "$work/home"

if run "$root/usr/bin/alertwb-cli" doctor >"$work/doctor.out" 2>"$work/doctor.err"; then
    grep -q "^alertwb $version\$" "$work/doctor.out" || fail "doctor did not print 'alertwb $version'"
    grep -q '^LibTorch:' "$work/doctor.out" || fail "doctor did not report LibTorch"
else
    fail "alertwb-cli doctor exited $?: $(cat "$work/doctor.err")"
fi

# The shipped zoo comes from the unpacked tree: the store gets the six models, read (and their
# sha256 checked) from <root>/usr/share/alertwb/models, not from the source tree.
if run "$root/usr/bin/alertwb-cli" models list --json >"$work/models.json" 2>"$work/models.err"; then
    grep -qF "shipped in $root/usr/share/alertwb/models to the store" "$work/models.err" \
        || fail "models list did not add the zoo from the package: $(cat "$work/models.err")"
    count=$(grep -c '"kind":' "$work/models.json" || true)
    [ "$count" -eq 6 ] || fail "models list --json lists $count models, expected the 6 shipped ones"
    if grep -q 'warning' "$work/models.err"; then fail "models list warned: $(cat "$work/models.err")"; fi
else
    fail "alertwb-cli models list exited $?: $(cat "$work/models.err")"
fi

out=$(run "$root/usr/bin/alertwb" --version 2>&1) || fail "alertwb --version exited $?: $out"
[ "$out" = "alertwb $version" ] || fail "alertwb --version printed '$out'"
out=$(run "$root/usr/sbin/alertwb-powerd" --version 2>&1) || fail "alertwb-powerd --version exited $?: $out"
[ "$out" = "alertwb-powerd $version" ] || fail "alertwb-powerd --version printed '$out'"

# --- desktop entry, AppStream metadata and manual pages pass their validators
"$desktop_validate" "$root/usr/share/applications/$app_id.desktop" || fail "desktop-file-validate refused the desktop entry"
"$appstreamcli" validate --no-net --explain "$root/usr/share/metainfo/$app_id.metainfo.xml" \
    || fail "appstreamcli refused the metainfo"
grep -q "<release version=\"$version\"" "$root/usr/share/metainfo/$app_id.metainfo.xml" \
    || fail "the metainfo has no release entry for $version"
for page in man1/alertwb-cli.1 man1/alertwb.1 man8/alertwb-powerd.8; do
    warnings=$(gzip -dc "$root/usr/share/man/$page.gz" | "$groff" -man -Tutf8 -ww -z 2>&1)
    [ -z "$warnings" ] || fail "groff warns about $page: $warnings"
done

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "package checks passed"
