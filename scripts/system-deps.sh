#!/bin/sh
# Install the Debian packages jingzhi-audit needs, when they are missing and we are root.
#   python3-venv                     virtual environments for the system Python
#   fonts-noto-cjk                   Noto Sans CJK SC, with a real bold weight, for Chinese PDFs
#   libpango-1.0-0 libpangoft2-1.0-0 WeasyPrint's text layout
#   libharfbuzz-subset0              font subsetting: 0.3 s per report instead of 12-16 s
#   poppler-utils                    pdftotext/pdffonts/pdftoppm/pdfdetach, used by the tests
#   libreoffice-calc-nogui           LibreOffice headless: the tests round-trip workbooks through it,
#                                    and audit reads .ods evidence by converting it to .xlsx
#   chromium                         headless browser the web-app (audit serve) tests drive via Playwright
#   nodejs npm                       only when npm is missing: the tests install yaml-language-server
#   tmux                             a real terminal of 60 and 80 columns for the terminal-view tests
#   postgresql                       PostgreSQL 15 (initdb, pg_ctl, postgres, psql): the archive tests
#                                    start a temporary server of their own (tests/cycle/conftest.py)
# Not root: print the command to run and go on (the Python parts still work; PDF tests skip).
set -eu
packages="fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils fontconfig tmux postgresql"
packages="$packages libreoffice-calc-nogui chromium"
if ! command -v npm >/dev/null 2>&1; then
    packages="$packages nodejs npm"
fi
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    packages="$packages python3-venv"
fi
if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-deps: not a Debian system; install the equivalents of: $packages" >&2
    exit 0
fi
missing=""
for pkg in $packages; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "system-deps: missing Debian packages:$missing" >&2
    echo "system-deps: run as root: apt-get install -y$missing" >&2
    exit 0
fi
echo "system-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
fc-cache -f >/dev/null 2>&1 || true
