"""The one masking function for secrets in URLs: every printed URL and every error line goes through it.

`mask_url` hides the password of ``user:password@host`` and the value of every query parameter whose
name says it is a secret (password, passwd, pwd, secret, token, key, sslpassword, auth, credential,
signature, ...): ``postgresql+psycopg://me:***@db/lut?password=***&sslmode=require``.
`redact` does it to every URL inside a longer text (an error message).
"""
from __future__ import annotations

import re

SECRET_WORDS = ("pass", "pwd", "secret", "token", "key", "auth", "credential", "signature", "sig", "cookie",
                "session", "private")
MASK = "***"
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>()]+")
_USERINFO = re.compile(r"^(?P<scheme>[^:/]+://)(?P<user>[^/?#@]*?):(?P<pw>[^/?#]*)@")
_PARAM = re.compile(r"(?P<sep>[?&;])(?P<name>[^=&;#]+)=(?P<value>[^&;#]*)")


def secret_name(name: str) -> bool:
    """Whether a query parameter's name says its value is a secret."""
    n = name.lower().replace("-", "").replace("_", "")
    return any(w in n for w in SECRET_WORDS)


def mask_url(url) -> str:
    """`url` with its password and every secret query value replaced by ***."""
    text = str(url)
    text = _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@" if m["pw"] else m[0], text, count=1)
    head, q, rest = text.partition("?")
    if not q:
        return text
    return head + _PARAM.sub(lambda m: f"{m['sep']}{m['name']}={MASK}" if secret_name(m["name"]) else m[0],
                             "?" + rest)


def redact(text) -> str:
    """Every URL inside `text` masked (see `mask_url`)."""
    def one(m):
        url = m[0].rstrip(".,:;")              # trailing punctuation of the sentence is not part of the URL
        return mask_url(url) + m[0][len(url):]
    return _URL.sub(one, str(text))


def has_credentials(url: str) -> bool:
    """Whether a URL carries a user name, a password or a secret query parameter."""
    return "@" in str(url).split("://", 1)[-1].split("/", 1)[0] or mask_url(url) != str(url)
