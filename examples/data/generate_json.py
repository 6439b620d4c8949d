#!/usr/bin/env python3
"""Generates the synthetic Bluesky and Mastodon saved responses in this folder.

Everything here is made up by postab (see README.md): a fictional account
posting two hooks for the same blog posts, a question (#q) and a statement
(#s), on Bluesky and on Mastodon. Likes per post are Poisson around a mean
that varies from post to post (Gamma-distributed), the statement hook
getting 25 % more on average. The files follow the documented response
formats (Bluesky app.bsky.feed.getAuthorFeed, two pages; Mastodon
GET /api/v1/accounts/:id/statuses, two pages). Deterministic:
`python3 generate_json.py` rewrites the same files.
"""

import datetime as dt
import json
import random

rng = random.Random(20261201)

BLOG = ["rigid-schedules", "threads-or-not", "alt-text", "link-in-bio",
        "reply-guys", "hashtags-2026", "posting-less", "best-hour"]
HOOKS = {
    "q": "Is your posting schedule too rigid? {} #q",
    "s": "There is no single right way to run an account. {} #s",
}
LIFT = {"q": 1.0, "s": 1.25}
START = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.timezone.utc)


def poisson(lam):
    # Knuth's method: fine for small means.
    l, k, p = pow(2.718281828459045, -lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= l:
            return k
        k += 1


def posts():
    out = []
    for i, slug in enumerate(BLOG):
        order = ["q", "s"] if i % 2 == 0 else ["s", "q"]
        for j, hook in enumerate(order):
            at = START + dt.timedelta(days=2 * i, hours=9 * j)
            mean = 30 * LIFT[hook] * rng.gammavariate(8, 1 / 8)
            likes = poisson(mean)
            out.append(dict(slug=slug, hook=hook, at=at, likes=likes,
                            reposts=poisson(likes / 6), replies=poisson(likes / 10),
                            quotes=poisson(likes / 30), n=len(out)))
    return out


def iso(at, ms=True):
    return at.strftime("%Y-%m-%dT%H:%M:%S") + (".000Z" if ms else "Z")


def bluesky(ps):
    did, handle = "did:plc:exampleacct0000000000", "postab-example.bsky.social"
    items = []
    for p in ps:
        rkey = f"3m{p['n']:03d}example"
        link = f"https://blog.example/{p['slug']}"
        text = HOOKS[p["hook"]].format(f"blog.example/{p['slug']}")
        start = len(text.encode()) - len(f"blog.example/{p['slug']} #{p['hook']}".encode())
        items.append({"post": {
            "uri": f"at://{did}/app.bsky.feed.post/{rkey}",
            "cid": f"bafyreiexample{p['n']:04d}" + "a" * 40,
            "author": {"did": did, "handle": handle, "displayName": "postab example (not a real account)"},
            "record": {"$type": "app.bsky.feed.post", "createdAt": iso(p["at"]), "langs": ["en"],
                       "text": text,
                       "facets": [{"index": {"byteStart": start, "byteEnd": start + len(f"blog.example/{p['slug']}")},
                                   "features": [{"$type": "app.bsky.richtext.facet#link", "uri": link}]}],
                       "embed": {"$type": "app.bsky.embed.external",
                                 "external": {"uri": link, "title": p["slug"], "description": ""}}},
            "embed": {"$type": "app.bsky.embed.external#view",
                      "external": {"uri": link, "title": p["slug"], "description": ""}},
            "replyCount": p["replies"], "repostCount": p["reposts"], "likeCount": p["likes"],
            "quoteCount": p["quotes"], "indexedAt": iso(p["at"] + dt.timedelta(seconds=1)), "labels": []}})
    # One repost of someone else's post (left out by the reader).
    items.insert(3, {"post": {
        "uri": "at://did:plc:someoneelse000000000/app.bsky.feed.post/3mother",
        "cid": "bafyreiother" + "b" * 44,
        "author": {"did": "did:plc:someoneelse000000000", "handle": "another-example.bsky.social"},
        "record": {"$type": "app.bsky.feed.post", "createdAt": "2026-09-02T12:00:00.000Z",
                   "text": "A post by another made-up account."},
        "replyCount": 0, "repostCount": 9, "likeCount": 80, "quoteCount": 0,
        "indexedAt": "2026-09-02T12:00:01.000Z"},
        "reason": {"$type": "app.bsky.feed.defs#reasonRepost",
                   "by": {"did": did, "handle": handle}, "indexedAt": "2026-09-02T13:00:00.000Z"}})
    items.reverse()  # newest first, as the API returns them
    half = len(items) // 2
    return ({"feed": items[:half], "cursor": items[half - 1]["post"]["indexedAt"]},
            {"feed": items[half:]})


def mastodon(ps):
    acct = {"id": "110000000000000001", "username": "postab_example", "acct": "postab_example",
            "display_name": "postab example (not a real account)",
            "url": "https://mastodon.example/@postab_example"}
    statuses = []
    for p in ps:
        sid = str(113100000000000000 + p["n"])
        link = f"https://blog.example/{p['slug']}"
        body = HOOKS[p["hook"]].split(" {}")[0].replace("'", "&#39;")
        content = (f'<p>{body} <a href="{link}" target="_blank" rel="nofollow noopener noreferrer" translate="no">'
                   f'<span class="invisible">https://</span><span class="">blog.example/{p["slug"]}</span>'
                   f'<span class="invisible"></span></a> <a href="https://mastodon.example/tags/{p["hook"]}" '
                   f'class="mention hashtag" rel="tag">#<span>{p["hook"]}</span></a></p>')
        statuses.append({
            "id": sid, "created_at": iso(p["at"]), "in_reply_to_id": None, "in_reply_to_account_id": None,
            "sensitive": False, "spoiler_text": "", "visibility": "public", "language": "en",
            "uri": f"https://mastodon.example/users/postab_example/statuses/{sid}",
            "url": f"https://mastodon.example/@postab_example/{sid}",
            "replies_count": p["replies"], "reblogs_count": p["reposts"], "favourites_count": p["likes"],
            "quotes_count": p["quotes"], "edited_at": None, "content": content, "reblog": None,
            "account": acct, "media_attachments": [], "mentions": [],
            "tags": [{"name": p["hook"], "url": f"https://mastodon.example/tags/{p['hook']}"}],
            "emojis": [], "card": {"url": link, "title": p["slug"], "description": "", "type": "link",
                                   "author_name": "", "author_url": "", "provider_name": "", "provider_url": "",
                                   "html": "", "width": 0, "height": 0, "image": None, "embed_url": "",
                                   "blurhash": None},
            "poll": None})
    # A boost of another account's status and a reply (left out by the reader).
    other = {"id": "110000000000000999", "username": "another_example", "acct": "another_example@social.example",
             "display_name": "another made-up account", "url": "https://social.example/@another_example"}
    boosted = dict(statuses[0], id="113099999999999999", account=other, created_at="2026-09-01T20:00:00.000Z",
                   content="<p>A post by another made-up account.</p>", card=None, tags=[],
                   uri="https://social.example/users/another_example/statuses/113099999999999999",
                   url="https://social.example/@another_example/113099999999999999")
    statuses.insert(2, dict(statuses[0], id="113100000000000900", created_at="2026-09-02T09:00:00.000Z",
                            content="", card=None, tags=[], reblog=boosted, favourites_count=0,
                            reblogs_count=0, replies_count=0, quotes_count=0,
                            uri="https://mastodon.example/users/postab_example/statuses/113100000000000900/activity",
                            url=None))
    statuses.insert(5, dict(statuses[1], id="113100000000000901", created_at="2026-09-03T10:00:00.000Z",
                            content="<p>Thanks! It&#39;s in the post.</p>", card=None, tags=[],
                            in_reply_to_id="113100000000000001", in_reply_to_account_id=acct["id"],
                            favourites_count=1, reblogs_count=0, replies_count=0, quotes_count=0,
                            uri="https://mastodon.example/users/postab_example/statuses/113100000000000901",
                            url="https://mastodon.example/@postab_example/113100000000000901"))
    statuses.reverse()
    half = len(statuses) // 2
    return statuses[:half], statuses[half:]


ps = posts()
b1, b2 = bluesky(ps)
# Mastodon gets its own draw of counts (another audience).
m1, m2 = mastodon(posts())
for name, doc in [("bluesky_feed_page1.json", b1), ("bluesky_feed_page2.json", b2),
                  ("mastodon_statuses_page1.json", m1), ("mastodon_statuses_page2.json", m2)]:
    with open(name, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
