#!/bin/sh
# Writes web/src/assets/fonts/titillium-web-latin-*.woff2: the four Titillium Web weights of the first
# screen cut to the Latin range (about 12 KB each instead of 18 KB), from Bootstrap Italia's files.
# Characters outside it (Slovene and German names of some comuni) come from the full files, which
# web/src/styles/fonts.css names for the other ranges. Needs fontTools with Brotli
# (Debian: apt-get install python3-fonttools python3-brotli). Run again after a Bootstrap Italia upgrade.
set -eu
web=$(cd "$(dirname "$0")/.." && pwd)
fonts=$(node -p "require('path').dirname(require.resolve('bootstrap-italia/package.json', { paths: ['$web'] }))")/dist/fonts/Titillium_Web
# The unicode-range of the Latin faces in web/src/styles/fonts.css.
latin='U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD'
for weight in 300 regular 600 700; do
  python3 -m fontTools.subset "$fonts/titillium-web-v10-latin-ext_latin-$weight.woff2" --unicodes="$latin" --layout-features='*' --flavor=woff2 \
    --output-file="$web/src/assets/fonts/titillium-web-latin-$weight.woff2"
done
cp "$fonts/OFL.txt" "$web/src/assets/fonts/OFL.txt"
