"""Drives Debian's python3-tweepy, unchanged, against a birdhouse server on plain HTTP.

Recipe b.2 of real-clients.md: `tweepy.API` gets host/upload_host 127.0.0.1:PORT (it always builds
https:// URLs) and `tweepy.Client` keeps https://api.twitter.com; a requests transport adapter
mounted on each session rewrites those URLs to http://127.0.0.1:PORT just before sending. OAuth 1.0a
is signed before the adapter runs, so the server sees signatures over https://127.0.0.1:PORT/...
(API) and https://api.twitter.com/... (Client).

Usage: tweepy-upload.py PORT VIDEO PHOTO, with the app's OAuth 1.0a credentials in the environment
(CONSUMER_KEY, CONSUMER_SECRET, ACCESS_TOKEN, ACCESS_TOKEN_SECRET). Prints one JSON object.
"""

import json
import os
import sys

import requests
import tweepy


class RewritingAdapter(requests.adapters.HTTPAdapter):
    """Sends requests for `prefix` to `target` instead, leaving everything else as tweepy built it."""

    def __init__(self, prefix, target):
        super().__init__()
        self.prefix = prefix
        self.target = target

    def send(self, request, **kwargs):
        if request.url.startswith(self.prefix):
            request.url = self.target + request.url[len(self.prefix):]
        return super().send(request, **kwargs)


def main():
    port, video, photo = sys.argv[1], sys.argv[2], sys.argv[3]
    local = "127.0.0.1:" + port
    credentials = {name.lower(): os.environ[name] for name in ("CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET")}

    api = tweepy.API(tweepy.OAuth1UserHandler(**credentials), host=local, upload_host=local)
    api.session.mount("https://" + local + "/", RewritingAdapter("https://" + local + "/", "http://" + local + "/"))
    uploaded_video = api.media_upload(video, chunked=True, media_category="tweet_video")
    uploaded_photo = api.media_upload(photo)

    client = tweepy.Client(**credentials)
    client.session.mount("https://api.twitter.com/", RewritingAdapter("https://api.twitter.com/", "http://" + local + "/"))
    video_post = client.create_tweet(text="A video from tweepy", media_ids=[uploaded_video.media_id])
    photo_post = client.create_tweet(text="A photo from tweepy", media_ids=[uploaded_photo.media_id_string])

    print(json.dumps({
        "video": {
            "media_id": uploaded_video.media_id_string,
            "processing_info": getattr(uploaded_video, "processing_info", None),
        },
        "photo": {"media_id": uploaded_photo.media_id_string},
        "video_post": video_post.data,
        "photo_post": photo_post.data,
    }))


if __name__ == "__main__":
    main()
