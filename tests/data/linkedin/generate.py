"""Writes the LinkedIn page-analytics fixtures of tests/import_linkedin.rs,
the benchmark workbook and examples/data/linkedin_all_posts.xlsx.

Run from the repository root: python3 tests/data/linkedin/generate.py
(needs openpyxl 3.1 and xlwt 1.3: pip install openpyxl==3.1.5 xlwt==1.3.0).
Deterministic: zip entries and document properties get fixed dates, so a
rerun rewrites the same .xlsx bytes.

Every post, person, campaign, URN and count is invented: no real page's
data. The layout follows the company-page "Content" export (Page admin >
Analytics > Content > Export): a workbook with a "Metrics" sheet (daily
totals) and an "All posts" sheet (one row per post), each with a
description row above the real header. Column names as listed for that
sheet (see the comment at the top of src/import/linkedin.rs for sources):

  Post title, Post link, Post type, Campaign name, Posted by, Created date,
  Campaign start date, Campaign end date, Audience, Impressions,
  Views (excluding off-site video views), Off-site views, Clicks,
  Click through rate (CTR), Likes, Comments, Reposts, Follows,
  Engagement rate, Content Type

"Post type" is Organic or Sponsored; "Created date" is MM/DD/YYYY text.
"""

import datetime
import os
import re
import zipfile

import openpyxl
import xlwt

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
FIXED = datetime.datetime(2026, 8, 1, 9, 0, 0)

HEADER = [
    "Post title",
    "Post link",
    "Post type",
    "Campaign name",
    "Posted by",
    "Created date",
    "Campaign start date",
    "Campaign end date",
    "Audience",
    "Impressions",
    "Views (excluding off-site video views)",
    "Off-site views",
    "Clicks",
    "Click through rate (CTR)",
    "Likes",
    "Comments",
    "Reposts",
    "Follows",
    "Engagement rate",
    "Content Type",
]
NOTE = (
    "All posts: lifetime metrics of the posts created between 07/01/2026 and "
    "07/31/2026 (organic and sponsored). Exported 08/01/2026."
)
FEED = "https://www.linkedin.com/feed/update/"


def post(title, urn, kind, created, impressions, clicks, ctr, likes, comments,
         reposts, content, campaign="", posted_by="Ana P\u00e9rez",
         start="", end="", audience="All followers", views="", offsite="",
         follows=""):
    engagement = ""
    if impressions:
        total = sum(x for x in (clicks, likes, comments, reposts, follows)
                    if isinstance(x, int))
        engagement = total / impressions
    return [title, FEED + urn, kind, campaign, posted_by, created, start, end,
            audience, impressions, views, offsite, clicks, ctr, likes,
            comments, reposts, follows, engagement, content]


# The posts of the main fixture. A `None` row is left blank.
POSTS = [
    post("Is your posting schedule too rigid? #question",
         "urn:li:activity:7350000000000000001", "Organic", "07/14/2026",
         1523, 41, 41 / 1523, 30, 4, 2, "Text"),
    post("Three charts from our 2026 survey \U0001F4CA #survey",
         "urn:li:activity:7350000000000000002", "Organic", "07/15/2026",
         2210, 95, 0.043, 61, 7, 5, "Image"),
    post("Watch: the 60-second version",
         "urn:li:activity:7350000000000000003", "Organic", "07/16/2026",
         3105, 120, "3.86%", 88, 9, 11, "Video", views=1890, offsite=12),
    post("\u0645\u0631\u062d\u0628\u0627 \u2014 our Arabic-language launch",
         "urn:li:activity:7350000000000000004", "Organic", "7/17/2026",
         900, 0, 0, 12, 1, 0, "Article"),
    None,
    post("Which day do you post? Vote below",
         "urn:li:ugcPost:7350000000000000005", "Organic",
         datetime.datetime(2026, 7, 20), 1200, 15, 0.0125, 40, 22, 1, "Poll"),
    post("Three charts from our 2026 survey \U0001F4CA #survey",
         "urn:li:activity:7350000000000000002", "Sponsored", "07/15/2026",
         18000, 410, 410 / 18000, 150, 12, 9, "Image",
         campaign="Survey promo", start="07/16/2026", end="07/23/2026",
         audience="Targeted", follows=37),
    post("Download the 2026 benchmark report",
         "urn:li:ugcPost:7351000000000000009", "Sponsored", "07/18/2026",
         25000, 600, 0.024, 90, 3, 2, "Document", campaign="Report leads",
         start="07/18/2026", end="07/31/2026", audience="Targeted",
         follows=21),
    post("Team offsite recap", "urn:li:activity:7350000000000000007",
         "Organic", "07/21/2026", 450, 3, "", 9, "", "", "Celebration"),
]

METRICS_HEADER = [
    "Date", "Impressions (organic)", "Impressions (sponsored)",
    "Impressions (total)", "Unique impressions (organic)", "Clicks (organic)",
    "Clicks (sponsored)", "Clicks (total)", "Reactions (organic)",
    "Reactions (sponsored)", "Reactions (total)", "Comments (organic)",
    "Comments (sponsored)", "Comments (total)", "Reposts (organic)",
    "Reposts (sponsored)", "Reposts (total)", "Engagement rate (organic)",
    "Engagement rate (sponsored)", "Engagement rate (total)",
]
METRICS = [
    ["07/14/2026", 812, 0, 812, 640, 20, 0, 20, 14, 0, 14, 2, 0, 2, 1, 0, 1,
     0.046, 0, 0.046],
    ["07/15/2026", 1500, 0, 1500, 1100, 61, 0, 61, 40, 0, 40, 5, 0, 5, 3, 0,
     3, 0.073, 0, 0.073],
    ["07/16/2026", 2900, 9000, 11900, 2100, 110, 200, 310, 70, 80, 150, 8, 6,
     14, 9, 4, 13, 0.068, 0.032, 0.041],
]


def normalise_zip(path):
    """Rewrites a zip with fixed entry dates (reproducible bytes)."""
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            if name == "docProps/core.xml":
                # openpyxl stamps the save time as "modified".
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*",
                              rb"\g<1>2026-08-01T09:00:00Z", data)
            info = zipfile.ZipInfo(name, date_time=(2026, 8, 1, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def write_xlsx(path, sheets):
    """sheets: [(name, rows)]; a row of None is left blank; datetime cells
    get the MM/DD/YYYY number format."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.properties.creator = "postab fixture"
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            if row is None:
                continue
            for c, value in enumerate(row, start=1):
                if value == "" or value is None:
                    continue
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, datetime.datetime):
                    cell.number_format = "mm/dd/yyyy"
    wb.save(path)
    normalise_zip(path)


def write_xls(path, sheets):
    wb = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="MM/DD/YYYY")
    for name, rows in sheets:
        ws = wb.add_sheet(name)
        for r, row in enumerate(rows):
            if row is None:
                continue
            for c, value in enumerate(row):
                if value == "" or value is None:
                    continue
                if isinstance(value, datetime.datetime):
                    ws.write(r, c, value, date_style)
                else:
                    ws.write(r, c, value)
    wb.save(path)


def metrics_sheet():
    return ("Metrics", [["Aggregated daily metrics of the Page's posts."],
                        METRICS_HEADER] + METRICS)


def out(name):
    return os.path.join(HERE, name)


def main():
    posts = [[NOTE], HEADER] + POSTS
    write_xlsx(out("all_posts.xlsx"), [metrics_sheet(), ("All posts", posts)])

    # The same workbook as .xls, with two description rows and an empty
    # row above the header (the header on row 4).
    two_notes = [[NOTE], ["Metrics are lifetime values."], None, HEADER] + POSTS
    write_xls(out("all_posts.xls"), [metrics_sheet(), ("All posts", two_notes)])

    # Broken files.
    no_clicks = [[c for i, c in enumerate(row) if i != HEADER.index("Clicks")]
                 if row is not None else None for row in posts]
    write_xlsx(out("missing_column.xlsx"),
               [metrics_sheet(), ("All posts", no_clicks)])

    bad = [list(r) if r is not None else None for r in posts]
    # Row 4 (second post): impressions as text; row 5: negative likes; row 6:
    # a CTR that is not clicks / impressions; row 10: clicks above
    # impressions.
    bad[3][HEADER.index("Impressions")] = "2,210 (est.)"
    bad[4][HEADER.index("Likes")] = -3
    bad[5][HEADER.index("Click through rate (CTR)")] = 0.5
    bad[9][HEADER.index("Clicks")] = 26000
    write_xlsx(out("bad_cells.xlsx"), [metrics_sheet(), ("All posts", bad)])

    # A post read twice (an export appended to an overlapping one).
    dup = [list(r) if r is not None else None for r in posts]
    again = list(POSTS[0])
    again[HEADER.index("Impressions")] = 1700
    again[HEADER.index("Click through rate (CTR)")] = 41 / 1700
    dup.append(again)
    write_xlsx(out("duplicate.xlsx"), [metrics_sheet(), ("All posts", dup)])

    write_xlsx(out("no_posts_sheet.xlsx"), [metrics_sheet()])
    write_xlsx(out("no_header.xlsx"), [
        metrics_sheet(), ("All posts", [[NOTE], ["Nothing to show yet."]])])
    # A renamed sheet: found by its header.
    write_xlsx(out("renamed_sheet.xlsx"),
               [metrics_sheet(), ("Posts (Jul 2026)", posts)])

    with open(out("all_posts.xlsx"), "rb") as f:
        data = f.read()
    with open(out("truncated.xlsx"), "wb") as f:
        f.write(data[: len(data) // 2])
    with open(out("not_a_workbook.xlsx"), "w") as f:
        f.write(",".join(HEADER) + "\n")

    # The benchmark's workbook: 1,000 organic posts.
    rows = [[NOTE], HEADER]
    for i in range(1000):
        imp = 1000 + (i * 37) % 5000
        clicks = imp // 40
        rows.append(post(f"Post {i} #{'q' if i % 2 else 's'}",
                         f"urn:li:activity:{7300000000000000000 + i}",
                         "Organic", f"{1 + i % 12:02}/{1 + i % 28:02}/2026",
                         imp, clicks, clicks / imp, imp // 25, i % 7, i % 3,
                         ["Text", "Image", "Video"][i % 3]))
    write_xlsx(out("bench_1000.xlsx"), [metrics_sheet(), ("All posts", rows)])

    # The example's workbook.
    write_xlsx(os.path.join(ROOT, "examples", "data", "linkedin_all_posts.xlsx"),
               [metrics_sheet(), ("All posts", posts)])


if __name__ == "__main__":
    main()
