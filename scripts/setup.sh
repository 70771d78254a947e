#!/usr/bin/env bash
# Set up everything `make` needs on a fresh Debian machine: the Chinese fonts the
# PDF embeds (apt-get, where we can), a virtual environment and the Python packages,
# then the fonts prepared for the PDF writer (Noto CJK's PostScript outlines converted
# to TrueType, about 10 s a face, once: pipeline/fontprep.py keeps them in ~/.cache).
# `scripts/setup.sh --test` also installs what the tests read PDFs and DOCX with
# (poppler-utils, qpdf, LibreOffice Writer). Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

FONT_PACKAGES="fontconfig fonts-arphic-gbsn00lp fonts-arphic-gkai00mp fonts-arphic-uming fonts-arphic-ukai fonts-wqy-microhei fonts-lxgw-wenkai fonts-liberation2 fonts-noto-cjk"
TEST_PACKAGES="poppler-utils qpdf libreoffice-writer-nogui"
PYTHON=${PYTHON:-python3}

need=()
fonts=$(fc-list : family 2>/dev/null || true)  # read once: grep -q on a pipe would kill fc-list (pipefail)
grep -q "AR PL SungtiL GB" <<<"$fonts" || need+=($FONT_PACKAGES)
grep -q "Liberation Serif" <<<"$fonts" || need+=(fonts-liberation2)
grep -q "Noto Serif CJK SC" <<<"$fonts" || need+=(fonts-noto-cjk)  # the title's bold Song, the headings' Hei
if [ "${1:-}" = "--test" ]; then
    for tool in pdftoppm:poppler-utils qpdf:qpdf soffice:libreoffice-writer-nogui; do
        command -v "${tool%%:*}" >/dev/null || need+=("${tool#*:}")
    done
fi
"$PYTHON" -m venv --help >/dev/null 2>&1 && "$PYTHON" -c "import ensurepip" 2>/dev/null || need+=(python3-venv python3-pip)

if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "setup: installing ${need[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    else
        echo "setup: cannot install system packages here (not root, or no apt-get)." >&2
        echo "setup: please install: ${need[*]}" >&2
        echo "setup: without Chinese fonts the PDF falls back to any installed font that has the characters." >&2
    fi
fi

# The Fandol faces (仿宋, 楷体, 黑体, 宋体 with full GB 2312; GPL with the font exception), shipped
# inside Debian's texlive-lang-chinese: the package file is fetched and only these fonts are
# unpacked (no TeX is installed). Where it cannot be had, the PDF keeps today's free faces.
fandol_dir=/usr/local/share/fonts/fandol
conf_dir=/etc/fonts/conf.d
if [ "$(id -u)" != 0 ]; then fandol_dir=$HOME/.local/share/fonts/fandol; conf_dir=$HOME/.config/fontconfig/conf.d; fi
if ! grep -q "FandolFang" <<<"$fonts" && [ ! -f "$fandol_dir/FandolFang-Regular.otf" ]; then
    tmp=$(mktemp -d)
    if command -v apt-get >/dev/null && (cd "$tmp" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1) \
            && dpkg-deb --fsys-tarfile "$tmp"/texlive-lang-chinese_*.deb \
               | tar -x -C "$tmp" --wildcards './usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol[FKHS]*' \
            && mkdir -p "$fandol_dir" && cp "$tmp"/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/*.otf "$fandol_dir"/; then
        echo "setup: installed the Fandol fonts (仿宋, 楷体, 黑体, 宋体) into $fandol_dir"
    else
        echo "setup: the Fandol fonts (Debian's texlive-lang-chinese) could not be had: the PDF sets 仿宋 in" \
             "Noto Serif CJK (a Song face) and 楷体 in LXGW WenKai instead" >&2
    fi
    rm -rf "$tmp"
fi
# The office font names of our Word file drawn with those faces, for LibreOffice above all.
mkdir -p "$conf_dir"
if ! cmp -s pipeline/data/fontconfig/65-speech-office-fonts.conf "$conf_dir/65-speech-office-fonts.conf"; then
    cp pipeline/data/fontconfig/65-speech-office-fonts.conf "$conf_dir/"
    fc-cache -f >/dev/null 2>&1 || true
fi

if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    "$PYTHON" -m venv .venv
fi
extra=""
[ "${1:-}" = "--test" ] && extra="[test]"
echo "setup: installing Python packages${extra:+ (with test tools)}"
# editable_mode=compat: the package is found through a plain path in a .pth file; setuptools'
# default editable finder is a module that site imports in every process (9 ms of each start).
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extra" --config-settings editable_mode=compat
# An editable install leaves our own modules uncompiled, and where PYTHONDONTWRITEBYTECODE
# is set every process would compile them again (0.1 s of each cold start).
.venv/bin/python -m compileall -q pipeline

# Convert and slim the fonts now rather than in the first `make`'s first speech. Not fatal:
# without it the first PDF prepares them itself.
echo "setup: preparing fonts for the PDF (once)"
.venv/bin/python -m pipeline.fonts || echo "setup: fonts not prepared now; the first PDF will prepare them" >&2
