#!/usr/bin/env bash
# Installs the Debian packages the product needs where they are missing (as root), or says exactly
# what to install. Usage: bin/system-deps.sh [run|test]
#   run:  libharfbuzz-subset0 (WeasyPrint ~7x faster), fonts-noto-core (Arabic, letters' look),
#         gettext (compilemessages)
#   test: also chromium (browser tests), redis-server (worker tests, the outbox drill), and for the
#         operations checks (deploy/check.py, backup drill): systemd (systemd-analyze), nginx,
#         postgresql-client (pg_dump, pg_restore)
set -u
want=(libharfbuzz-subset0 fonts-noto-core gettext)
if [ "${1:-run}" = "test" ]; then
  want+=(chromium redis-server)
fi
missing=()
if [ "${1:-run}" = "test" ]; then
  # the operations checks need the commands, from whichever package brought them
  export PATH="$PATH:/usr/sbin:/sbin"
  command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
  command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
  command -v pg_dump >/dev/null 2>&1 || missing+=(postgresql-client)
fi
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  (apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}") >/tmp/aktionsfonds-apt.log 2>&1 \
    || { echo "apt-get failed (see /tmp/aktionsfonds-apt.log); continuing without: ${missing[*]}"; }
else
  echo "Please install these system packages (Debian/Ubuntu):"
  echo "  sudo apt-get install -y ${missing[*]}"
  echo "Continuing: PDFs render slower without libharfbuzz-subset0; browser tests are skipped without chromium."
fi
exit 0
