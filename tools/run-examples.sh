#!/usr/bin/env bash
# Runs heygen-client's v3 examples against the fake HeyGen (the `heygen-mock` binary) on a free
# loopback port, each with a time limit, and fails on the first that does not exit 0 in time.
# The fake is always stopped (trap), whatever happens.
#
# Not run here, and why:
# - `stream_audio`: LiveAvatar streaming (the `streaming` feature), which the fake does not serve.
set -euo pipefail
cd "$(dirname "$0")/.."

# Seconds one example may take; every job of the fake ends well before (see the timings below).
LIMIT=${EXAMPLE_TIME_LIMIT:-60}

cargo build --quiet --locked -p heygen-mock --bin heygen-mock
cargo build --quiet --locked -p heygen-client --examples
target_dir=${CARGO_TARGET_DIR:-target}
bin="$target_dir/debug"
examples="$target_dir/debug/examples"

scratch=$(mktemp -d)
fake_pid=
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT

# Port 0: the fake picks a free port and prints its URL. Jobs spend 0.2 + 0.8 fake seconds,
# at ten fake seconds per real second: each ends 0.1 s after its create.
: >"$scratch/fake.out" # there before the first look, however late the fake starts writing
"$bin/heygen-mock" --port 0 --pace 10 --pending-secs 0.2 --processing-secs 0.8 >"$scratch/fake.out" 2>&1 &
fake_pid=$!
base=
for _ in $(seq 1 100); do
    base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$scratch/fake.out" || true)
    [ -n "$base" ] && break
    kill -0 "$fake_pid" 2>/dev/null || { cat "$scratch/fake.out" >&2; echo "the fake did not start" >&2; exit 1; }
    sleep 0.1
done
[ -n "$base" ] || { echo "the fake printed no URL within 10 s" >&2; exit 1; }
echo "fake HeyGen at $base"

export HEYGEN_API_KEY=fake-api-key HEYGEN_BASE_URL="$base" HEYGEN_UPLOAD_BASE_URL="$base"

# run NAME ARGS...: the example must exit 0 within LIMIT seconds and print a result line.
run() {
    local name=$1
    shift
    printf -- '-- %s\n' "$name"
    local status=0
    timeout "$LIMIT" "$examples/$name" "$@" >"$scratch/$name.out" 2>"$scratch/$name.err" || status=$?
    if [ "$status" -ne 0 ]; then
        cat "$scratch/$name.err" >&2
        [ "$status" -eq 124 ] && echo "$name did not finish within $LIMIT s" >&2 || echo "$name exited $status" >&2
        exit 1
    fi
    cat "$scratch/$name.out"
}

run whoami
grep -q @ "$scratch/whoami.out" || { echo "whoami printed no email" >&2; exit 1; }
run v3_create_video avatar_fake voice_fake "Hello from the fake HeyGen."
[ -s "$scratch/v3_create_video.out" ] || { echo "v3_create_video printed no URL" >&2; exit 1; }
run v3_list_videos
# The video just made is listed.
grep -q completed "$scratch/v3_list_videos.out" || { echo "v3_list_videos did not list the video" >&2; exit 1; }
run v3_translate_video https://example.com/source.mp4 fr es
[ "$(grep -c . "$scratch/v3_translate_video.out")" -eq 2 ] || { echo "v3_translate_video: not one URL per language" >&2; exit 1; }
# A recording made in the scratch directory (an ID3 header, then noise): sent inline.
{ printf 'ID3\x03\x00\x00\x00\x00\x00\x00'; head -c 65536 /dev/urandom; } >"$scratch/recording.mp3"
run v3_clone_voice "$scratch/recording.mp3" "Fake voice" "Hello from a cloned voice."
[ -s "$scratch/v3_clone_voice.out" ] || { echo "v3_clone_voice printed no audio URL" >&2; exit 1; }
# 3 MiB, in more than one 64 KiB chunk, from a file in the scratch directory.
head -c 3145728 /dev/urandom >"$scratch/clip.mp4"
run v3_upload_large_file "$scratch/clip.mp4"
[ -s "$scratch/v3_upload_large_file.out" ] || { echo "v3_upload_large_file printed no asset id" >&2; exit 1; }

# The webhook server serves until stopped: a bounded run. It gets the secret of an endpoint
# registered at the fake for its URL; a video created next must reach it, verified, within LIMIT.
printf -- '-- v3_webhook_server\n'
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
api() { curl -sS --fail-with-body -H "X-Api-Key: $HEYGEN_API_KEY" -H 'Content-Type: application/json' "$@"; }
secret=$(api -X POST "$base/v3/webhooks/endpoints" \
    -d "{\"url\": \"http://127.0.0.1:$port/webhooks/heygen\"}" | jq -er .data.secret)
HEYGEN_WEBHOOK_SECRET=$secret "$examples/v3_webhook_server" "127.0.0.1:$port" \
    >"$scratch/v3_webhook_server.out" 2>"$scratch/v3_webhook_server.err" &
server_pid=$!
video=$(api -X POST "$base/v3/videos" \
    -d '{"type": "avatar", "avatar_id": "avatar_fake", "voice_id": "voice_fake", "script": "Hi."}' | jq -er .data.video_id)
deadline=$((SECONDS + LIMIT))
until grep -q "$video" "$scratch/v3_webhook_server.out"; do
    if ! kill -0 "$server_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
        cat "$scratch/v3_webhook_server.err" >&2
        echo "v3_webhook_server received no verified delivery for $video" >&2
        exit 1
    fi
    sleep 0.2
done
cat "$scratch/v3_webhook_server.out"
echo "every example ran against the fake"
