#!/bin/sh
# generate-secrets.sh - creates the Secrets listed in a spec, with random values of the shapes the
# spec names, through the Kubernetes API. A missing Secret is created; a Secret that exists gets
# only its missing keys; a value that exists is never changed. Safe to run again at any time, and
# concurrently: a create that answers 409 (someone else created it first) and a patch that
# answers 409 (the Secret changed since it was read) make the script read the Secret again.
# A Secret that has a derived key but not its source (an htpasswd line without its password) is
# reported and left alone; the other Secrets are still made, and the run exits 1 at the end.
#
# POSIX sh (the image's busybox ash), curl, openssl, php (secret-tool.php, next to this script).
# Values only live in files of a private directory (mode 700) and travel on stdin/stdout; the
# token is handed to curl in a header file. Nothing secret is ever in an argument list or a log.
#
# Spec (SPEC_FILE): one line per key, fields separated by single spaces; the lines of one Secret
# are consecutive; '#' lines and empty lines are ignored:
#   <secret> <key> random <length> <alphabet> [<classes>]   (classes: lower+upper+digit, each at least once)
#   <secret> <key> rsa-private-key <bits>
#   <secret> <key> self-signed-certificate <private-key key> <days> <common name> [<names>]
#   <secret> <key> htpasswd-bcrypt <password key> <cost> <user>
# The key a derived value (certificate, htpasswd) is made from belongs to the same Secret.
# <names> (DNS:<name>,IP:<address>,...) make the certificate a TLS server certificate with that
# subjectAltName, CA:FALSE, keyUsage digitalSignature and keyEncipherment, extendedKeyUsage serverAuth;
# without <names> it is a CA certificate (CA:TRUE, keyUsage digitalSignature and keyCertSign), for a
# signing key such as Harbor's token service. Every extension is in the script's own openssl config:
# the image's openssl.cnf and its defaults play no part.
# A Secret whose spec has tls.key (rsa-private-key) and tls.crt (self-signed-certificate of tls.key)
# is created with type kubernetes.io/tls, as Ingress controllers and Gateways expect of a TLS Secret;
# every other one is Opaque.
#
# Env: NAMESPACE, SPEC_FILE (the spec file), CREATED_BY (the created-by label value): required;
#      API_URL (https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT),
#      TOKEN_FILE, CA_FILE (the pod's ServiceAccount token and CA),
#      SECRET_TOOL (secret-tool.php next to this script), ATTEMPTS (5: reads of one Secret before
#      giving up on conflicts), CONNECT_ATTEMPTS (5),
#      TMPDIR (/tmp).
set -eu

SCRIPT_NAME=generate-secrets.sh
SA_DIR=/var/run/secrets/kubernetes.io/serviceaccount

log() {
  printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2
}

die() {
  log "ERROR: $*"
  exit 1
}

# Secret names and keys come from a spec the library validated; checked again, as they are put into
# URLs, JSON and file names.
check_name() {
  case $1 in '' | *[!a-z0-9.-]*) die "spec: '$1' is not a Secret name" ;; esac
}

check_key() {
  case $1 in '' | *[!A-Za-z0-9._-]*) die "spec: '$1' is not a Secret key" ;; esac
}

check_uint() {
  case $2 in '' | *[!0-9]*) die "spec: $1 must be a positive integer, got '$2'" ;; esac
}

# The common name goes into an openssl config file too (as the library allows it).
check_common_name() {
  case $1 in '' | *[!A-Za-z0-9._-]*) die "spec: '$1' is not a certificate common name" ;; esac
}

# The names go into an openssl config file: no newline, '=', '[', '#' or space can get there.
check_names() {
  case $1 in '' | *[!A-Za-z0-9.:,*-]*) die "spec: '$1' is not a list of DNS:<name> and IP:<address>" ;; esac
}

# --- the API ------------------------------------------------------------------------------------

# api METHOD PATH [BODY_FILE CONTENT_TYPE]: sets STATUS (HTTP code) and writes the answer to $WORK/answer.
api() {
  method=$1 path=$2 body=${3:-} type=${4:-}
  attempt=1
  while :; do
    set -- --silent --show-error --output "$WORK/answer" --write-out '%{http_code}' \
      --connect-timeout 10 --max-time 60 --cacert "$CA_FILE" \
      -H "@$WORK/headers" -X "$method"
    if [ -n "$body" ]; then
      set -- "$@" -H "Content-Type: $type" --data-binary "@$body"
    fi
    if STATUS=$(curl "$@" "$API_URL$path" 2>"$WORK/curl-error"); then
      return 0
    fi
    if [ "$attempt" -ge "$CONNECT_ATTEMPTS" ]; then
      die "cannot reach the API server at $API_URL after $attempt attempts: $(cat "$WORK/curl-error")"
    fi
    log "the API server at $API_URL did not answer ($(cat "$WORK/curl-error")); retrying in $attempt s"
    sleep "$attempt"
    attempt=$((attempt + 1))
  done
}

# The message of the Status in the last answer.
answer_message() {
  php "$SECRET_TOOL" message <"$WORK/answer" 2>/dev/null || printf '(no Status in the answer)'
}

# Dies with a clear message for an answer that is neither success nor a handled conflict.
fail_answer() {
  what=$1
  case $STATUS in
    401) die "$what: 401 Unauthorized: the ServiceAccount token was not accepted: $(answer_message)" ;;
    403) die "$what: 403 Forbidden: the ServiceAccount lacks the permission (see the generator's Role): $(answer_message)" ;;
    422) die "$what: 422 Invalid: the API server rejected the Secret: $(answer_message)" ;;
    *) die "$what: HTTP $STATUS: $(answer_message)" ;;
  esac
}

# --- values -------------------------------------------------------------------------------------

# Writes the value of KEY of the current Secret (as last read) to FILE.
existing_value() {
  php "$SECRET_TOOL" value "$1" <"$WORK/secret.json" >"$2"
}

# Whether KEY is in the list of keys the current Secret has ($WORK/present, one a line).
present() {
  grep -qxF "$1" "$WORK/present"
}

# The file holding the value of KEY for this run: a new one, or the existing one read on demand.
value_file() {
  file="$WORK/values/$1"
  if [ ! -e "$file" ]; then
    existing_value "$1" "$file"
  fi
  printf '%s' "$file"
}

random_value() {
  length=$1 alphabet=$2 classes=$3 out=$4
  draws=0
  while :; do
    # tr keeps each byte of the set: every character of the alphabet is equally likely.
    LC_ALL=C tr -dc "$alphabet" </dev/urandom | head -c "$length" >"$out"
    [ "$(wc -c <"$out" | tr -d ' ')" = "$length" ] || die "could not read $length random characters"
    has_classes "$out" "$classes" && return 0
    draws=$((draws + 1))
    [ "$draws" -lt 1000 ] || die "no password of $length characters of the alphabet had every class of $classes in 1000 draws"
  done
}

# Whether FILE has a character of each class of CLASSES (lower+upper+digit, or empty).
has_classes() {
  for class in $(printf '%s' "$2" | tr '+' ' '); do
    case $class in
      lower) LC_ALL=C grep -q '[a-z]' "$1" || return 1 ;;
      upper) LC_ALL=C grep -q '[A-Z]' "$1" || return 1 ;;
      digit) LC_ALL=C grep -q '[0-9]' "$1" || return 1 ;;
      *) die "spec: unknown character class '$class'" ;;
    esac
  done
}

# generate KEY KIND ARGS...: writes a new value for KEY to $WORK/values/KEY.
generate() {
  key=$1 kind=$2
  out="$WORK/values/$key"
  shift 2
  case $kind in
    random)
      check_uint length "$1"
      random_value "$1" "$2" "$3" "$out"
      ;;
    rsa-private-key)
      check_uint bits "$1"
      openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$1" -out "$out" 2>"$WORK/openssl-error" ||
        die "openssl could not make an RSA key: $(cat "$WORK/openssl-error")"
      ;;
    self-signed-certificate)
      check_key "$1"
      check_uint days "$2"
      check_common_name "$3"
      key_file=$(value_file "$1")
      if [ -z "$4" ]; then
        ca_certificate_config "$3" >"$WORK/certificate.cnf"
        openssl req -x509 -new -sha256 -key "$key_file" -days "$2" -config "$WORK/certificate.cnf" -out "$out" 2>"$WORK/openssl-error" ||
          die "openssl could not make the certificate of key $1: $(cat "$WORK/openssl-error")"
      else
        check_names "$4"
        server_certificate_config "$3" "$4" >"$WORK/certificate.cnf"
        openssl req -x509 -new -sha256 -key "$key_file" -days "$2" -config "$WORK/certificate.cnf" -out "$out" 2>"$WORK/openssl-error" ||
          die "openssl could not make the TLS certificate of key $1 for $4: $(cat "$WORK/openssl-error")"
      fi
      ;;
    htpasswd-bcrypt)
      check_key "$1"
      check_uint cost "$2"
      password_file=$(value_file "$1")
      php "$SECRET_TOOL" bcrypt "$3" "$2" <"$password_file" >"$out" || die "could not hash the value of key $1"
      ;;
    *) die "spec: unknown shape '$kind' of key $key" ;;
  esac
}

# The openssl config of a self-signed CA certificate for COMMON_NAME (Harbor's token-signing
# certificate: core signs the registry's tokens with the key, the registry trusts the certificate):
# every extension written here, none left to the image's openssl.cnf, so that any openssl makes the
# same certificate. What harbor-helm's genCA makes, less keyEncipherment and extendedKeyUsage, which
# a signing key has no use for: CA:TRUE, keyUsage digitalSignature (the tokens) and keyCertSign,
# subject and authority key identifiers.
ca_certificate_config() {
  printf '[req]\nprompt = no\nstring_mask = utf8only\ndistinguished_name = subject\nx509_extensions = ca\n'
  printf '[subject]\nCN = %s\n' "$1"
  printf '[ca]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, digitalSignature, keyCertSign\n'
  printf 'subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n'
}

# The openssl config of a TLS server certificate for COMMON_NAME and NAMES (DNS:a,IP:b): its own,
# so that the result does not depend on the image's openssl.cnf.
server_certificate_config() {
  printf '[req]\nprompt = no\nstring_mask = utf8only\ndistinguished_name = subject\nx509_extensions = server\n'
  printf '[subject]\nCN = %s\n' "$1"
  printf '[server]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\n'
  printf 'extendedKeyUsage = serverAuth\nsubjectKeyIdentifier = hash\nsubjectAltName = %s\n' "$2"
}

# The type of a new Secret: kubernetes.io/tls for a key pair tls.key + tls.crt, else Opaque.
secret_type() {
  awk -v s="$1" '
    $1 == s && $2 == "tls.key" && $3 == "rsa-private-key" { key = 1 }
    $1 == s && $2 == "tls.crt" && $3 == "self-signed-certificate" && $4 == "tls.key" { crt = 1 }
    END { print (key && crt) ? "kubernetes.io/tls" : "Opaque" }' "$WORK/spec"
}

# The key a derived shape is made from, or nothing.
source_key() {
  case $1 in self-signed-certificate | htpasswd-bcrypt) printf '%s' "$2" ;; esac
}

# --- one Secret ---------------------------------------------------------------------------------

# The derived keys SECRET has whose source it lacks (as last read, $WORK/present), one
# "<key> <source>" a line: a new source would not match them, so the Secret is not touched.
orphaned_derived_keys() {
  while read -r name key kind a rest; do
    [ "$name" = "$1" ] || continue
    : "$rest"
    from=$(source_key "$kind" "$a")
    if [ -n "$from" ] && present "$key" && ! present "$from"; then
      printf '%s %s\n' "$key" "$from"
    fi
  done <"$WORK/spec"
}

# Fills $WORK/values with a value for every key of SECRET's spec lines that is not in
# $WORK/present: sources first, derived values second (from a new or an existing source). The
# caller has made sure that no derived value exists without its source (orphaned_derived_keys).
make_missing_values() {
  secret=$1
  rm -rf "$WORK/values"
  (umask 077 && mkdir "$WORK/values")
  : >"$WORK/added"
  for pass in sources derived; do
    while read -r name key kind a b c d; do
      [ "$name" = "$secret" ] || continue
      from=$(source_key "$kind" "$a")
      if [ "$pass" = sources ] && [ -n "$from" ]; then continue; fi
      if [ "$pass" = derived ] && [ -z "$from" ]; then continue; fi
      if present "$key"; then
        continue
      fi
      generate "$key" "$kind" "$a" "$b" "$c" "$d"
      printf '%s\n' "$key" >>"$WORK/added"
    done <"$WORK/spec"
  done
}

# Writes the JSON members "key":"<base64>" of the new values to $WORK/data.
data_members() {
  sep=''
  : >"$WORK/data"
  while read -r key; do
    printf '%s"%s":"%s"' "$sep" "$key" "$(openssl base64 -A -in "$WORK/values/$key")" >>"$WORK/data"
    sep=,
  done <"$WORK/added"
}

# The added keys, comma-separated, for log lines.
added_list() {
  tr '\n' ' ' <"$WORK/added" | sed 's/ $//; s/ /, /g'
}

create_secret() {
  secret=$1
  : >"$WORK/present"
  make_missing_values "$secret"
  data_members
  {
    printf '{"apiVersion":"v1","kind":"Secret","type":"%s",' "$(secret_type "$secret")"
    printf '"metadata":{"name":"%s","labels":{"app.kubernetes.io/created-by":"%s"}},' "$secret" "$CREATED_BY"
    printf '"data":{%s}}' "$(cat "$WORK/data")"
  } >"$WORK/body"
  api POST "/api/v1/namespaces/$NAMESPACE/secrets" "$WORK/body" application/json
}

# Adds the missing keys with a merge patch that carries the resourceVersion read: the API server
# applies it only to that version (409 otherwise), so it can never overwrite a key added meanwhile.
patch_secret() {
  secret=$1 version=$2
  make_missing_values "$secret"
  data_members
  printf '{"metadata":{"resourceVersion":"%s"},"data":{%s}}' "$version" "$(cat "$WORK/data")" >"$WORK/body"
  api PATCH "/api/v1/namespaces/$NAMESPACE/secrets/$secret" "$WORK/body" application/merge-patch+json
}

ensure_secret() {
  secret=$1
  check_name "$secret"
  wanted=$(awk -v s="$secret" '$1 == s { n++ } END { print n + 0 }' "$WORK/spec")
  read_count=0
  while :; do
    read_count=$((read_count + 1))
    [ "$read_count" -le "$ATTEMPTS" ] || die "Secret $secret: still conflicting after $ATTEMPTS reads; giving up (the Job runs again)"
    api GET "/api/v1/namespaces/$NAMESPACE/secrets/$secret"
    case $STATUS in
      404)
        create_secret "$secret"
        case $STATUS in
          201) log "Secret $secret: created with keys $(added_list)"; return 0 ;;
          409) log "Secret $secret: created by someone else meanwhile (409); reading it again"; continue ;;
          *) fail_answer "create Secret $secret" ;;
        esac
        ;;
      200)
        mv "$WORK/answer" "$WORK/secret.json"
        php "$SECRET_TOOL" state <"$WORK/secret.json" >"$WORK/state" || die "Secret $secret: cannot read the API server's answer"
        version=$(head -n 1 "$WORK/state")
        tail -n +2 "$WORK/state" >"$WORK/present"
        missing=$(awk -v s="$secret" '$1 == s { print $2 }' "$WORK/spec" | grep -cvxFf "$WORK/present" || true)
        if [ "$missing" = 0 ]; then
          log "Secret $secret: has all $wanted keys; nothing to change"
          return 0
        fi
        orphaned_derived_keys "$secret" >"$WORK/orphans"
        if [ -s "$WORK/orphans" ]; then
          while read -r key from; do
            log "ERROR: Secret $secret has key $key but not $from, which $key is made from: a new $from would not match it; delete key $key or add key $from yourself"
          done <"$WORK/orphans"
          log "Secret $secret: left unchanged; going on with the other Secrets"
          FAILED="$FAILED $secret"
          return 0
        fi
        patch_secret "$secret" "$version"
        case $STATUS in
          200) log "Secret $secret: added keys $(added_list); kept the $((wanted - missing)) that exist"; return 0 ;;
          409) log "Secret $secret: changed since it was read (409); reading it again"; continue ;;
          *) fail_answer "patch Secret $secret" ;;
        esac
        ;;
      *) fail_answer "read Secret $secret" ;;
    esac
  done
}

# --- main ---------------------------------------------------------------------------------------

main() {
  [ -n "${NAMESPACE:-}" ] || die "NAMESPACE must be set (the pod's namespace, from the downward API)"
  check_name "$NAMESPACE"
  [ -n "${SPEC_FILE:-}" ] || die "SPEC_FILE must be set (the spec file of the generator's ConfigMap)"
  [ -n "${CREATED_BY:-}" ] || die "CREATED_BY must be set (the generator's name, for the created-by label)"
  TOKEN_FILE=${TOKEN_FILE:-$SA_DIR/token}
  CA_FILE=${CA_FILE:-$SA_DIR/ca.crt}
  SECRET_TOOL=${SECRET_TOOL:-$(dirname "$0")/secret-tool.php}
  ATTEMPTS=${ATTEMPTS:-5}
  CONNECT_ATTEMPTS=${CONNECT_ATTEMPTS:-5}
  check_uint ATTEMPTS "$ATTEMPTS"
  check_uint CONNECT_ATTEMPTS "$CONNECT_ATTEMPTS"
  if [ -z "${API_URL:-}" ]; then
    [ -n "${KUBERNETES_SERVICE_HOST:-}" ] || die "API_URL or KUBERNETES_SERVICE_HOST must be set"
    API_URL="https://$KUBERNETES_SERVICE_HOST:${KUBERNETES_SERVICE_PORT:-443}"
  fi
  [ -r "$SPEC_FILE" ] || die "cannot read the spec $SPEC_FILE"
  [ -r "$TOKEN_FILE" ] || die "cannot read the ServiceAccount token $TOKEN_FILE"
  [ -r "$CA_FILE" ] || die "cannot read the API server's CA $CA_FILE"
  [ -r "$SECRET_TOOL" ] || die "cannot read $SECRET_TOOL"

  WORK=$(umask 077 && mktemp -d "${TMPDIR:-/tmp}/generate-secrets.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
  trap 'exit 1' HUP INT TERM
  # The token goes to curl in a header file (printf is a shell builtin: no argv).
  (umask 077 && printf 'Authorization: Bearer %s\nAccept: application/json\n' "$(cat "$TOKEN_FILE")" >"$WORK/headers")

  grep -v -e '^#' -e '^$' "$SPEC_FILE" >"$WORK/spec" || die "the spec $SPEC_FILE lists no key"
  while read -r name key kind rest; do
    check_name "$name"
    check_key "$key"
    [ -n "$kind" ] || die "spec: key $key of Secret $name has no shape"
    : "$rest"
  done <"$WORK/spec"

  secrets=$(awk '!seen[$1]++ { print $1 }' "$WORK/spec")
  log "namespace $NAMESPACE: making sure these Secrets have every key of the spec: $(printf '%s' "$secrets" | tr '\n' ' ')"
  FAILED=''
  for secret in $secrets; do
    ensure_secret "$secret"
  done
  if [ -n "$FAILED" ]; then
    die "done, but these Secrets need you (see the errors above):$FAILED"
  fi
  log "done"
}

main "$@"
