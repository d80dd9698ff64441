#!/bin/sh
# Starts only once the cache answers (steward gates it on the cache's readiness probe).
python3 -c 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:8701/", timeout=2)' || {
    echo "cache is not reachable: started too early!" >&2
    exit 1
}
echo "cache is reachable; serving on 127.0.0.1:8702"
exec python3 -m http.server 8702 --bind 127.0.0.1 --directory "$(dirname "$0")/www"
