"""One tweepy upload for `npm run bench:client`, in a process of its own.

Usage: client-tweepy.py PORT FILE, with the OAuth 1.0a credentials in BENCH_CREDENTIALS (JSON with
consumer_key, consumer_secret, access_token, access_token_secret). Runs Debian's python3-tweepy,
unchanged, pointed at http://127.0.0.1:PORT through a requests transport adapter (recipe b.2 of
real-clients.md), uploads FILE with API.media_upload(chunked=True, media_category='tweet_video'),
which waits for processing, and prints one JSON line: media id, wall time of the call, VmHWM.
"""

import json
import os
import sys
import time

import requests
import tweepy


class RewritingAdapter(requests.adapters.HTTPAdapter):
    """Sends https://127.0.0.1:PORT/... (tweepy only builds https URLs) as plain HTTP."""

    def __init__(self, prefix, target):
        super().__init__()
        self.prefix = prefix
        self.target = target

    def send(self, request, **kwargs):
        if request.url.startswith(self.prefix):
            request.url = self.target + request.url[len(self.prefix):]
        return super().send(request, **kwargs)


def peak_rss_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    port, path = sys.argv[1], sys.argv[2]
    local = "127.0.0.1:" + port
    credentials = json.loads(os.environ["BENCH_CREDENTIALS"])
    auth = tweepy.OAuth1UserHandler(
        credentials["consumer_key"], credentials["consumer_secret"],
        credentials["access_token"], credentials["access_token_secret"],
    )
    api = tweepy.API(auth, host=local, upload_host=local)
    api.session.mount("https://" + local + "/", RewritingAdapter("https://" + local + "/", "http://" + local + "/"))
    started = time.monotonic()
    media = api.media_upload(path, chunked=True, media_category="tweet_video")
    wall_ms = (time.monotonic() - started) * 1000
    state = getattr(media, "processing_info", {}).get("state", "none")
    print(json.dumps({"mediaId": media.media_id_string, "state": state, "wallMs": wall_ms, "peakRssKb": peak_rss_kb()}))


if __name__ == "__main__":
    main()
