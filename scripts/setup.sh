#!/usr/bin/env bash
# Sets up a fresh machine for headerproof: npm dependencies and a Chromium to drive.
# Playwright's own browser download is used when it works; otherwise Debian's chromium (apt).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null || ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 12) ? 0 : 1)'; then
  echo "setup: Node.js 20.12 or later is required (found: $(node --version 2>/dev/null || echo none); https://nodejs.org or your distribution's nodejs package)" >&2
  exit 1
fi

# The real apps beside Immich's lab, pinned by their lockfiles, from the npm registry: Node-RED 4.1.8
# and Actual Budget's server 25.6.0 (their next majors need Node 22). `headerproof run --app node-red`
# (or actual) without --target starts one on 127.0.0.1; the tests do too. They install in the
# background while the rest is set up (each compiles a native module on one core); waited for below.
app_logs=$(mktemp -d)
app_pids=()
for app in node-red actual; do
  dir="real-apps/$app"
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "setup: installing $dir (the real app, for --app $app and the tests), in the background"
    ( cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >"$app_logs/$app.log" 2>&1 ) &
    app_pids+=("$!:$app")
  fi
done

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies"
  npm ci --no-audit --no-fund
fi

have_browser() {
  node --import tsx -e "
    const { chromiumExecutable } = await import('./src/harness/browser.ts');
    const { chromium } = await import('playwright');
    const fs = await import('node:fs');
    const exe = chromiumExecutable() ?? chromium.executablePath();
    process.exit(fs.existsSync(exe) ? 0 : 1);
  " 2>/dev/null
}

if have_browser; then
  echo "setup: Chromium found"
else
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian's chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null
  elif npx playwright install chromium; then
    :
  else
    echo "setup: no Chromium. Install one: 'sudo apt-get install chromium' (Debian/Ubuntu) or 'npx playwright install chromium'," >&2
    echo "       or point HEADERPROOF_CHROMIUM at a Chromium binary." >&2
    exit 1
  fi
  have_browser || { echo "setup: Chromium still not found after installing" >&2; exit 1; }
fi
# Firefox (the second engine, --browsers firefox): Debian's firefox-esr, recent enough for
# Playwright's WebDriver BiDi client (153 ESR; the 140 ESR of Debian 12's first release is too old:
# apt-get update brings the security update), and Xvfb, on whose virtual display Firefox has WebGL.
firefox_ok() {
  node --import tsx -e "
    const { firefoxProblem } = await import('./src/harness/browser.ts');
    const p = firefoxProblem(); if (p) { console.error('setup: ' + p); process.exit(1); }
  " 2>/dev/null
}
if ! firefox_ok || ! command -v Xvfb >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian's firefox-esr and xvfb (for --browsers firefox)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr xvfb >/dev/null
    firefox_ok || echo "setup: note: Firefox is still not usable; --browsers firefox will say why"
  else
    echo "setup: note: --browsers firefox needs Firefox ESR 153+ and Xvfb: apt-get update && apt-get install firefox-esr xvfb"
  fi
fi
# nginx and Caddy are only needed by the tests that serve an export for real.
install_edge() { # command package
  command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian's $2 (for the export tests)"
    [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ] || apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  else
    echo "setup: note: $1 is not installed; the export tests need it (apt-get install $2)"
  fi
}
install_edge nginx nginx-light
install_edge caddy caddy
# PostgreSQL only for the test of several collectors on one database (headerproof collect --db postgres://).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian's postgresql (for the collector's PostgreSQL test)"
    [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ] || apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "setup: note: PostgreSQL is not installed; the collector's PostgreSQL test needs it (apt-get install postgresql)"
  fi
fi
for entry in "${app_pids[@]}"; do
  app=${entry#*:}
  if wait "${entry%%:*}"; then
    echo "setup: real-apps/$app installed"
  else
    cat "$app_logs/$app.log" >&2
    echo "setup: installing real-apps/$app failed; --app $app without --target will say so" >&2
  fi
done
rm -rf "$app_logs"
echo "setup: ready"
