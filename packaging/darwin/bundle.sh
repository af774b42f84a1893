#!/bin/sh
# bundle.sh makes Allium.app, the macOS application bundle, around a built allium program.
#
#   packaging/darwin/bundle.sh BINARY SHORT_VERSION OUTDIR
#
# SHORT_VERSION is three numbers (0.1.0), as macOS wants in Info.plist; the full version
# from git describe is stamped in the binary (allium --version, Settings › About). Run it
# from the repository root (make package-darwin does). The icon is made with iconutil,
# which every Mac has, from the PNGs in assets/icons.
set -eu

bin=$1
short=$2
out=$3
app=$out/Allium.app

rm -rf "$app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
cp "$bin" "$app/Contents/MacOS/allium"
sed "s/@SHORT_VERSION@/$short/g" packaging/darwin/Info.plist >"$app/Contents/Info.plist"
printf 'APPL????' >"$app/Contents/PkgInfo"
cp assets/licenses.txt "$app/Contents/Resources/LICENSES.txt"

# An .iconset holds each size at 1x and 2x (icon_16x16@2x.png is 32 pixels).
iconset=$out/Allium.iconset
rm -rf "$iconset"
mkdir -p "$iconset"
for s in 16 32 128 256 512; do
	cp "assets/icons/icon-$s.png" "$iconset/icon_${s}x${s}.png"
	cp "assets/icons/icon-$((s * 2)).png" "$iconset/icon_${s}x${s}@2x.png"
done
iconutil -c icns -o "$app/Contents/Resources/Allium.icns" "$iconset"
rm -rf "$iconset"

# Apple Silicon runs only signed code; without a Developer ID the bundle is signed ad hoc,
# and Gatekeeper asks the user to confirm the first start (README.md, Install).
if command -v codesign >/dev/null 2>&1; then
	codesign --force --sign - "$app"
fi
