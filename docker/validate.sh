#!/usr/bin/env bash
# Validates docker/compose.yaml without a Docker engine: `docker compose config` only parses,
# interpolates and checks the file against the Compose specification.
# Checks the default services and the `demo` profile. Exit status 0 = valid, 1 = invalid or no
# Compose v2 client available.
set -uo pipefail

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
compose_file="$dir/compose.yaml"

fail() {
  echo "docker/validate.sh: $*" >&2
  exit 1
}

[[ -f "$compose_file" ]] || fail "expected a Compose file at $compose_file, but found none"

if ! command -v docker >/dev/null 2>&1 && ! command -v docker-compose >/dev/null 2>&1; then
  fail "the docker client is not installed (neither 'docker' nor 'docker-compose' is on PATH); cannot validate $compose_file"
fi

# Profiles need Compose 1.28 or later: the 'docker compose' plugin (v2), or a standalone
# docker-compose 1.28+ (Debian's package) or 2.x.
compose=()
if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  standalone_version="$(docker-compose version --short 2>/dev/null || true)"
  v="${standalone_version#v}"
  major="${v%%.*}"; rest="${v#*.}"; minor="${rest%%.*}"
  if [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] && (( major >= 2 || (major == 1 && minor >= 28) )); then
    compose=(docker-compose)
  else
    fail "expected Docker Compose 1.28 or later, but found docker-compose ${standalone_version:-of unknown version}"
  fi
else
  fail "expected Docker Compose ('docker compose' plugin or docker-compose 1.28+), but found neither; on Debian: apt-get install docker-compose"
fi

echo "Validating $compose_file with $("${compose[@]}" version --short 2>/dev/null | sed 's/^/Docker Compose /')"

status=0
for profile in "" demo; do
  args=(-f "$compose_file")
  label="default services"
  if [[ -n "$profile" ]]; then
    args+=(--profile "$profile")
    label="profile '$profile'"
  fi
  if output="$("${compose[@]}" "${args[@]}" config -q 2>&1)"; then
    echo "  ok:      $label"
  else
    echo "  INVALID: $label" >&2
    printf '%s\n' "$output" | sed 's/^/           /' >&2
    status=1
  fi
done

if [[ $status -ne 0 ]]; then
  fail "$compose_file is not a valid Compose file (see above)"
fi
echo "$compose_file is valid."
