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

if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    "$PYTHON" -m venv .venv
fi
extra=""
[ "${1:-}" = "--test" ] && extra="[test]"
echo "setup: installing Python packages${extra:+ (with test tools)}"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extra"
# An editable install leaves our own modules uncompiled, and where PYTHONDONTWRITEBYTECODE
# is set every process would compile them again (0.1 s of each cold start).
.venv/bin/python -m compileall -q pipeline

# Convert and slim the fonts now rather than in the first `make`'s first speech. Not fatal:
# without it the first PDF prepares them itself.
echo "setup: preparing fonts for the PDF (once)"
.venv/bin/python -m pipeline.fonts || echo "setup: fonts not prepared now; the first PDF will prepare them" >&2
