#!/usr/bin/env python3
"""Generates the synthetic analytics exports in this folder.

Everything here is made up by postab: a fictional account whose followers
live in London, run by a manager in Pacific time, posting two hooks
("question" #q and "statement" #s) repeatedly at three Pacific-time slots.
Click rates depend on the London hour (08:00 is best) and vary from post to
post (Beta-distributed, concentration 300), so repeated posts are
overdispersed. Deterministic: `python3 generate.py` rewrites the same files.
"""

import csv
import datetime as dt
import random
from zoneinfo import ZoneInfo

EPOCH_MS = 1288834974657
PACIFIC = ZoneInfo("America/Los_Angeles")
rng = random.Random(20260714)

HOOKS = {
    "q": "Is your posting schedule too rigid? Here is what we learned #q",
    "s": "There is no single right way to run an account. Here is ours #s",
}
# Pacific posting slot -> true click-through rate (London 08:00, 17:00, 21:00 in summer).
SLOTS = {0: 0.032, 9: 0.022, 13: 0.026}
HOOK_LIFT = {"q": 1.0, "s": 1.08}
KAPPA = 300.0


def snowflake(at, seq):
    ms = int(at.timestamp() * 1000) - EPOCH_MS
    return (ms << 22) | (seq & 0x3FFFFF)


def post_counts(rate):
    impressions = int(rng.lognormvariate(8.0, 0.35))
    p = rng.betavariate(rate * KAPPA, (1 - rate) * KAPPA)
    clicks = sum(1 for _ in range(impressions) if rng.random() < p)
    likes = int(impressions * rng.uniform(0.005, 0.02))
    reposts = int(impressions * rng.uniform(0.001, 0.004))
    replies = int(impressions * rng.uniform(0.0005, 0.002))
    profile = int(impressions * rng.uniform(0.002, 0.006))
    expands = int(impressions * rng.uniform(0.01, 0.03))
    follows = rng.randint(0, 3)
    hashtag = rng.randint(0, 5)
    permalink = rng.randint(0, 8)
    engagements = clicks + likes + reposts + replies + profile + expands + hashtag + permalink
    return dict(impressions=impressions, engagements=engagements, reposts=reposts, replies=replies,
                likes=likes, profile=profile, clicks=clicks, hashtag=hashtag, expands=expands,
                permalink=permalink, follows=follows)


def account_content():
    header = ["Post id", "Date", "Post text", "Post Link", "Impressions", "Likes", "Engagements",
              "Bookmarks", "Shares", "New follows", "Replies", "Reposts", "Profile visits",
              "Detail Expands", "URL Clicks", "Hashtag Clicks", "Permalink Clicks"]
    rows = []
    start = dt.date(2026, 6, 1)
    for day in range(56):
        date = start + dt.timedelta(days=day)
        for hour, rate in SLOTS.items():
            if rng.random() < 0.45:
                continue
            hook = rng.choice("qs")
            local = dt.datetime(date.year, date.month, date.day, hour, rng.randint(0, 9),
                                rng.randint(0, 59), tzinfo=PACIFIC)
            at = local.astimezone(dt.timezone.utc)
            pid = snowflake(at, rng.randint(0, 4095))
            c = post_counts(rate * HOOK_LIFT[hook])
            rows.append([pid, local.strftime("%a, %b %d, %Y"), HOOKS[hook],
                         f"https://x.com/example_account/status/{pid}", c["impressions"], c["likes"],
                         c["engagements"], rng.randint(0, 6), rng.randint(0, 3), c["follows"],
                         c["replies"], c["reposts"], c["profile"], c["expands"], c["clicks"],
                         c["hashtag"], c["permalink"]])
    with open("account_content.csv", "w", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        w.writerows(rows)


def fmt(n):
    return f"{float(n):.1f}"


def tweet_activity():
    metrics = ["impressions", "engagements", "engagement rate", "retweets", "replies", "likes",
               "user profile clicks", "url clicks", "hashtag clicks", "detail expands",
               "permalink clicks", "app opens", "app installs", "follows", "email tweet",
               "dial phone", "media views", "media engagements"]
    header = ["Tweet id", "Tweet permalink", "Tweet text", "time"] + metrics + \
        ["promoted " + m for m in metrics]
    assert len(header) == 40
    rows = []
    start = dt.datetime(2020, 2, 3, tzinfo=dt.timezone.utc)
    for day in range(28):
        for hour, rate in ((8, 0.03), (17, 0.022)):
            if rng.random() < 0.3:
                continue
            hook = rng.choice("qs")
            at = start + dt.timedelta(days=day, hours=hour, minutes=rng.randint(0, 50))
            tid = snowflake(at, rng.randint(0, 4095))
            text = HOOKS[hook]
            if rng.random() < 0.3:
                text = text.replace(". ", ".\n", 1)  # a quoted newline
            if rng.random() < 0.2:
                text += ', "quoted", and commas'
            c = post_counts(rate * HOOK_LIFT[hook])
            media_views = rng.randint(0, 40)
            organic = [c["impressions"], c["engagements"], None, c["reposts"], c["replies"],
                       c["likes"], c["profile"], c["clicks"], c["hashtag"], c["expands"],
                       c["permalink"], 0, 0, c["follows"], 0, 0, media_views, media_views // 3]
            cells = []
            for name, v in zip(metrics, organic):
                if name == "engagement rate":
                    cells.append(repr(round(c["engagements"] / c["impressions"], 6)))
                else:
                    cells.append(fmt(v))
            if rng.random() < 0.15:
                p = post_counts(rate)
                promoted = [p["impressions"], p["engagements"], None, p["reposts"], p["replies"],
                            p["likes"], p["profile"], p["clicks"], p["hashtag"], p["expands"],
                            p["permalink"], 0, 0, p["follows"], 0, 0, 0, 0]
                pcells = [repr(round(p["engagements"] / p["impressions"], 6)) if v is None else fmt(v)
                          for v in promoted]
            else:
                pcells = ["-"] * len(metrics)
            rows.append([tid, f"https://twitter.com/example_account/status/{tid}", text,
                         at.strftime("%Y-%m-%d %H:%M +0000")] + cells + pcells)
    with open("tweet_activity.csv", "w", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        w.writerows(rows)


if __name__ == "__main__":
    account_content()
    tweet_activity()
