# Shared by the portal benchmarks (sourced after lib.sh, not run): a real portal (`camreview serve`) on a data
# folder of its own, and an HTTP session against it with curl, signed in through the sign-in form like a browser.
# Sets: portal_url, portal_pid, jar (the session's cookies), antiforgery (the token every unsafe API request carries).

admin_email=bench@camreview.test
admin_password=bench-password-1234

# portal_start DATA_DIR LOG  starts the portal on a free loopback port (administrator created at start, no demo
# content) and waits until /health answers.
portal_start() {
  local i
  : > "$2"
  CAMREVIEW__ADMIN__EMAIL=$admin_email CAMREVIEW__ADMIN__PASSWORD=$admin_password CAMREVIEW__ADMIN__TEAM=Bench \
    CAMREVIEW__DEMO__ENABLED=false "$cli" serve --urls http://127.0.0.1:0 --data "$1" >> "$2" 2>&1 &
  portal_pid=$!
  portal_url=
  for ((i = 0; i < 600; i++)); do
    portal_url=$(sed -n 's/^CamReview is running at \(http[^ ]*\).*/\1/p' "$2" | head -1)
    [[ -n $portal_url ]] && curl -fsS -o /dev/null "$portal_url/health" && return 0
    kill -0 "$portal_pid" 2> /dev/null || break
    sleep 0.1
  done
  echo "the portal did not start:" >&2; cat "$2" >&2; return 1
}

# portal_stop  stops the portal started by portal_start (SIGTERM: a graceful stop) and waits for it.
portal_stop() {
  [[ -n ${portal_pid:-} ]] || return 0
  kill -TERM "$portal_pid" 2> /dev/null || true
  wait "$portal_pid" 2> /dev/null || true
  portal_pid=
}

hidden_token() { sed -n 's/.*name="__RequestVerificationToken" value="\([^"]*\)".*/\1/p' | head -1; }

# portal_sign_in  signs the administrator in (cookies in $jar) and reads the session's antiforgery token.
portal_sign_in() {
  local token code
  token=$(curl -fsS -c "$jar" -b "$jar" "$portal_url/account/login" | hidden_token)
  code=$(curl -sS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "Input.Email=$admin_email" \
    --data-urlencode "Input.Password=$admin_password" --data-urlencode _handler=login \
    --data-urlencode "__RequestVerificationToken=$token" "$portal_url/account/login")
  [[ $code == 302 ]] || { echo "signing in answered $code" >&2; return 1; }
  antiforgery=$(curl -fsS -c "$jar" -b "$jar" "$portal_url/projects" | hidden_token)
}

# api METHOD PATH [JSON]  calls the API with the session (and its antiforgery token, which writes need) and prints
# the answer; fails on an error status.
api() {
  curl -fsS -X "$1" -b "$jar" -H "RequestVerificationToken: $antiforgery" -H 'Content-Type: application/json' ${3:+--data "$3"} "$portal_url/api/$2"
}

# portal_project NAME  makes a project in the administrator's team and prints its id.
portal_project() {
  local team
  team=$(api GET teams | json_field '[0]["id"]')
  api POST projects "{\"teamId\": $team, \"name\": \"$1\"}" | json_field '["id"]'
}

# portal_upload PROJECT KIND FILE MEDIA_TYPE [CURL_ARGS...]  uploads FILE over the streamed upload endpoint, the
# way the upload form does (multipart, antiforgery token in a header), and prints the new asset (fails unless 201).
portal_upload() {
  local project=$1 kind=$2 file=$3 type=$4
  shift 4
  local answer code
  answer=$(curl -sS "$@" -w '\n%{http_code}' -b "$jar" -H "RequestVerificationToken: $antiforgery" -F "kind=$kind" \
    -F "file=@$file;type=$type" "$portal_url/api/projects/$project/assets")
  code=${answer##*$'\n'}
  answer=${answer%$'\n'*}
  [[ $code == 201 ]] || { echo "the upload of $file answered $code: $answer" >&2; return 1; }
  echo "$answer"
}

# portal_wait_idle PROJECT  waits until no job of the project is queued or running.
portal_wait_idle() {
  while api GET "projects/$1/jobs" | json_field '; v=sum(j["state"] in ("queued", "running") for j in d)' | grep -qv '^0$'; do
    sleep 0.2
  done
}

# portal_worker_pair NAME  the render of the worker benchmarks in a new project NAME (the Megamind reference's move onto
# graf1.png; $work/reference-1280x720.mp4 and $data/graf1.png must exist) and a registered homography worker: sets
# project, pair, token (the worker's) and cookie (the signed-in session, as a Cookie header).
portal_worker_pair() {
  local reference target
  project=$(portal_project "$1")
  reference=$(portal_upload "$project" reference-video "$work/reference-1280x720.mp4" video/mp4 | json_field '["id"]')
  target=$(portal_upload "$project" target-image "$data/graf1.png" image/png | json_field '["id"]')
  pair=$(api POST "projects/$project/pairs" "{\"referenceAssetId\": $reference, \"targetAssetId\": $target, \"name\": \"Megamind -> graf1\"}" | json_field '["id"]')
  token=$(api POST render-workers '{"name": "bench", "kinds": ["homography"]}' | json_field '["token"]')
  cookie=$(awk -F'\t' 'NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar")
}
