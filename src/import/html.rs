//! Mastodon's status HTML to plain text.

/// Plain text of `html`, and the hrefs of its links other than mentions
/// and hashtags.
///
/// Tags are dropped; `<br>` is a newline and a paragraph break (`</p><p>`)
/// a blank line; entities are decoded (named ones HTML escapes use, and
/// numeric `&#39;` / `&#x1F600;`); a link keeps its text (Mastodon hides
/// part of long URLs in `<span class="invisible">`, which is kept, so the
/// full URL reads back).
pub(crate) fn to_text(html: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(html.len());
    let mut links = Vec::new();
    let mut pending_break = false;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_text(&mut out, &rest[..lt], &mut pending_break);
        let after = &rest[lt + 1..];
        let Some(end) = tag_end(after) else {
            // A lone `<`: text.
            push_text(&mut out, &rest[lt..], &mut pending_break);
            rest = "";
            break;
        };
        let tag = &after[..end];
        rest = &after[end + 1..];
        let closing = tag.starts_with('/');
        let body = tag.trim_start_matches('/');
        let name_end = body
            .find(|c: char| c.is_ascii_whitespace() || c == '/')
            .unwrap_or(body.len());
        let name = body[..name_end].to_ascii_lowercase();
        match (name.as_str(), closing) {
            ("br", _) => {
                flush_break(&mut out, &mut pending_break);
                out.push('\n');
            }
            ("p", false) => {}
            ("p", true) => pending_break = !out.is_empty(),
            ("a", false) => {
                let attrs = &body[name_end..];
                let class = attr(attrs, "class").unwrap_or_default();
                let rel = attr(attrs, "rel").unwrap_or_default();
                let skip = class
                    .split_whitespace()
                    .any(|c| c == "mention" || c == "hashtag")
                    || rel.split_whitespace().any(|r| r == "tag");
                if let Some(href) = attr(attrs, "href")
                    && !skip
                {
                    super::json::add_link(&mut links, &href);
                }
            }
            _ => {}
        }
    }
    push_text(&mut out, rest, &mut pending_break);
    (out, links)
}

fn flush_break(out: &mut String, pending: &mut bool) {
    if std::mem::take(pending) {
        out.push_str("\n\n");
    }
}

fn push_text(out: &mut String, text: &str, pending: &mut bool) {
    if text.is_empty() {
        return;
    }
    flush_break(out, pending);
    decode_into(out, text);
}

/// The index of the `>` closing a tag, skipping quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The decoded value of attribute `name` in `attrs` (` href="..." rel=x`).
fn attr(attrs: &str, name: &str) -> Option<String> {
    let mut s = attrs;
    loop {
        s = s.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if s.is_empty() {
            return None;
        }
        let key_end = s
            .find(|c: char| c == '=' || c.is_ascii_whitespace())
            .unwrap_or(s.len());
        let key = &s[..key_end];
        s = s[key_end..].trim_start();
        let value = if let Some(v) = s.strip_prefix('=') {
            let v = v.trim_start();
            let (value, rest) = match v.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let inner = &v[1..];
                    let end = inner.find(q).unwrap_or(inner.len());
                    (&inner[..end], inner.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = v.find(|c: char| c.is_ascii_whitespace()).unwrap_or(v.len());
                    (&v[..end], &v[end..])
                }
            };
            s = rest;
            value
        } else {
            ""
        };
        if key.eq_ignore_ascii_case(name) {
            let mut out = String::new();
            decode_into(&mut out, value);
            return Some(out);
        }
    }
}

/// Appends `text` with its character references decoded; an unknown or
/// malformed reference is kept as written.
pub(crate) fn decode_into(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after
            .find(';')
            .filter(|&semi| semi <= 32)
            .and_then(|semi| entity(&after[..semi]).map(|c| (c, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "middot" => '·',
        "bull" => '•',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "pound" => '£',
        "deg" => '°',
        "times" => '×',
        "zwj" => '\u{200d}',
        "zwnj" => '\u{200c}',
        "lrm" => '\u{200e}',
        "rlm" => '\u{200f}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_breaks_entities_links() {
        let html = "<p>Too rigid? <a href=\"https://mastodon.example/tags/q\" class=\"mention hashtag\" rel=\"tag\">#<span>q</span></a></p><p>Read: <a href=\"https://blog.example/a?x=1&amp;y=2\" rel=\"nofollow noopener\" target=\"_blank\"><span class=\"invisible\">https://</span><span class=\"ellipsis\">blog.example/a?x=1&amp;y=</span><span class=\"invisible\">2</span></a><br />Tom &amp; Jerry &#39;say&#39; &#x1F600; &lt;3 &bogus; & done</p>";
        let (text, links) = to_text(html);
        assert_eq!(
            text,
            "Too rigid? #q\n\nRead: https://blog.example/a?x=1&y=2\nTom & Jerry 'say' 😀 <3 &bogus; & done"
        );
        assert_eq!(links, ["https://blog.example/a?x=1&y=2"]);
    }

    #[test]
    fn odd_input_does_not_panic() {
        for html in [
            "<",
            "<p",
            "a < b",
            "&#xFFFFFFFF;",
            "&#;",
            "<a href='x>y'>z</a>",
            "é<br>&",
        ] {
            let _ = to_text(html);
        }
        assert_eq!(to_text("a < b").0, "a < b");
        assert_eq!(to_text("<a href='x>y'>z</a>").1, ["x>y"]);
    }
}
