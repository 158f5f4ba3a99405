"""What a markdown renderer such as DingTalk's would read as markup in a text: links,
images, HTML, mentions, message links, headings, lists, quotes... Deliberately
generous (it finds a link wherever any dialect could see one, whether or not it
honours backslash escapes), so that "nothing found" means nothing to find."""

from __future__ import annotations

import re

CONSTRUCTS: dict[str, re.Pattern[str]] = {
    # [text](url) and ![alt](url), with or without a space between, escaped or not
    "link": re.compile(r"\[[^\]\n]*\\?\]\s*\\?\("),
    "image": re.compile(r"!\s*\\?\["),
    "reference": re.compile(r"^ {0,3}\\?\[[^\]\n]*\\?\]\s*:", re.M),
    "autolink": re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>]*>"),
    "html": re.compile(r"<\s*/?\s*[A-Za-z!?]"),
    "entity": re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+);", re.I),
    "mention": re.compile(r"@\S"),
    # a link that makes the reader's client act: send a message, open a page
    "message link": re.compile(r"(?i)(dtmd|dingtalk)\s*\\?:\s*\\?/"),
    # any URL, which DingTalk shows as a link even bare: "https://…", "www.…"
    "scheme": re.compile(r"(?i)(?<![a-z0-9+.\-])[a-z][a-z0-9+.\-]*\\?:/"),
    "www": re.compile(r"(?i)www\."),
    "heading": re.compile(r"^ {0,3}#{1,6}(\s|$)", re.M),
    "list item": re.compile(r"^ {0,3}([-+*]|\d{1,9}[.)])(\s|$)", re.M),
    "quote": re.compile(r"^ {0,3}>", re.M),
    "setext underline": re.compile(r"^ {0,3}(=+|-{2,})\s*$", re.M),
    "code block": re.compile(r"^( {4}|\t)|^ {0,3}(```|~~~)", re.M),
    "emphasis": re.compile(r"[*_~]"),
    "code": re.compile(r"`"),
    "table": re.compile(r"\|"),
    "backslash": re.compile(r"\\"),
}


def markup(text: str) -> dict[str, list[str]]:
    """Every construct found, by kind (kinds with nothing found are left out)."""
    found = {
        kind: [m.group(0) for m in pattern.finditer(text)] for kind, pattern in CONSTRUCTS.items()
    }
    return {kind: hits for kind, hits in found.items() if hits}


# Every attack a user's text can try, and the construct it aims for.
ATTACKS: dict[str, tuple[str, str]] = {
    "link": ("see [the policy](https://evil.example/x)", "link"),
    "link with a space": ("see [here] (https://evil.example)", "link"),
    "image": ("![logo](https://evil.example/p.png)", "image"),
    "reference link": ("[1]: https://evil.example", "reference"),
    "autolink": ("<https://evil.example>", "autolink"),
    "html": ('<font color="red">urgent</font>', "html"),
    "html link": ('<a href="dtmd://dingtalkclient/sendMessage?content=approve">ok</a>', "html"),
    "entity": ("&lt;font&gt; &#64;all", "entity"),
    "at everyone (zh)": ("@所有人 请看", "mention"),
    "at all": ("ping @all now", "mention"),
    "at someone": ("@13800138000 @manager01", "mention"),
    "fake button": (
        "[同意](dtmd://dingtalkclient/sendMessage?content=%E5%90%8C%E6%84%8F)",
        "message link",
    ),
    "bare message link": ("dtmd://dingtalkclient/sendMessage?content=approve SR-1", "message link"),
    "message link, spaced": ("DTMD : //dingtalkclient/sendMessage", "message link"),
    "page link": ("dingtalk://dingtalkclient/page/link?url=https%3A%2F%2Fevil", "message link"),
    "javascript": ("javascript://%0Aalert(1)", "scheme"),
    "bare link": ("log in at https://dingtalk-sso.evil.example/login", "scheme"),
    "bare link, upper case": ("HTTP://evil.example", "scheme"),
    "bare www link": ("see www.evil.example/x", "www"),
    "heading": ("# Approved by the CEO", "heading"),
    "heading, indented": ("   ### urgent", "heading"),
    "list": ("- approve everything", "list item"),
    "plus list": ("+ item", "list item"),
    "ordered list": ("1. Approve", "list item"),
    "ordered list, paren": ("2) Reject", "list item"),
    "quote": ("> the boss said yes", "quote"),
    "setext": ("===", "setext underline"),
    "rule": ("---", "setext underline"),
    "code block": ("    indented code", "code block"),
    "fence": ("```", "code block"),
    "bold": ("**not bold**", "emphasis"),
    "italic": ("_not italic_", "emphasis"),
    "strike": ("~~struck~~", "emphasis"),
    "code span": ("`code`", "code"),
    "table": ("| a | b |", "table"),
    "escape of our markup": ("\\*\\*", "backslash"),
}
