#!/usr/bin/env bash
# Installs everything Mingjing needs to build, run and test on Debian 12.
# Idempotent: packages already present are skipped, so a second run is fast.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(
  build-essential cmake ccache pkg-config git ca-certificates
  librestinio-dev libasio-dev libfmt-dev libhttp-parser-dev
  libsoci-dev libsqlite3-dev sqlite3 libpq-dev
  nlohmann-json3-dev libyaml-cpp-dev libspdlog-dev libcli11-dev
  libsodium-dev libicu-dev libqrencode-dev libxlsxwriter-dev libssl-dev
  libzip-dev libpugixml-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format
  postgresql-15 postgresql-client-15
  chromium fonts-noto-cjk
  nodejs npm
  wrk curl time
)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node and npm may come from the machine image rather than Debian: accept them.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do
    [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p")
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: Debian packages present"
fi

# Vite 8 needs Node 20.19 or later; Debian 12's own nodejs is 18.
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "setup: Node.js $(node --version) is too old for the front end; install Node 20.19 or later" >&2
  exit 1
fi

# Front-end packages: only when the lock file changed since the last install.
if [[ -f web/package-lock.json ]]; then
  stamp=web/node_modules/.mingjing-lock
  if [[ ! -f $stamp ]] || ! cmp -s web/package-lock.json "$stamp"; then
    echo "setup: npm ci"
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
    cp web/package-lock.json "$stamp"
  else
    echo "setup: npm packages present"
  fi
fi
