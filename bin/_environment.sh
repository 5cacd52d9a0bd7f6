# Sourced by bin/serve and bin/test: makes sure .venv exists and has the pinned dependencies of
# pyproject.toml. It installs only when pyproject.toml changed since the last install.
set -euo pipefail

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "CityGrow needs Python 3.11 or newer as '$PYTHON' (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment in .venv ..."
  "$PYTHON" -m venv .venv
fi

stamp=.venv/.citygrow-installed
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "Installing the dependencies pinned in pyproject.toml ..."
  .venv/bin/python - > .venv/requirements.txt <<'PY'
import tomllib

with open("pyproject.toml", "rb") as f:
    project = tomllib.load(f)["project"]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["dev"]))
PY
  # (pip's notes about this machine's extra package folders are noise; errors still show)
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r .venv/requirements.txt \
    2> >(grep -v '^WARNING: Location' >&2)
  echo "$wanted" > "$stamp"
fi

# WeasyPrint (the PDFs) needs Pango from the system. Install it where we can; say so where we can't.
if ! .venv/bin/python -c 'import weasyprint' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Pango for WeasyPrint (apt-get) ..."
    apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null
  else
    echo "Note: PDFs need Pango (Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0)." >&2
  fi
fi
