"""The one place a page's bytes become text: the charset a browser would use, without U+FFFD."""

from __future__ import annotations

import codecs
import re

from w3lib.encoding import html_body_declared_encoding

# Labels of the WHATWG Encoding Standard that Python does not know, by the codec that reads them.
_WHATWG_LABELS = {
    "utf-8": ("unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"),
    "cp1252": ("x-cp1252",),
    "cp1254": ("x-cp1254",),
    "cp874": ("dos-874", "windows-874", "iso-8859-11", "iso8859-11", "iso885911"),
    "gb18030": ("x-gbk", "csgb2312", "gb_2312-80", "csiso58gb231280"),
    "big5hkscs": ("cn-big5", "x-x-big5", "csbig5"),
    "euc_jp": ("x-euc-jp", "cseucpkdfmtjapanese"),
    "cp932": ("x-sjis", "windows-31j", "csshiftjis", "shift-jis"),
    "cp949": ("windows-949", "cseuckr", "iso-ir-149", "csksc56011987", "ks_c_5601-1989"),
    "utf-16-le": ("ucs-2", "unicodefeff", "csunicode", "iso-10646-ucs-2", "unicode"),
    "utf-16-be": ("unicodefffe",),
    "iso8859-8": ("iso-8859-8-i", "csiso88598i", "logical"),
    "koi8-u": ("koi8-ru",),
    "mac-cyrillic": ("x-mac-cyrillic", "x-mac-ukrainian"),
}
_LABELS = {label: codec for codec, labels in _WHATWG_LABELS.items() for label in labels}
# Where the standard reads a charset as its superset (Python's codec name -> the superset's):
# pages labelled Latin-1 or ASCII are Windows-1252, GB2312 pages are GB18030, and so on.
_SUPERSETS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
    "utf-16": "utf-16-le",
}
_UTF16_BOMS = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}
_BOMS = {codecs.BOM_UTF8: "utf-8", **_UTF16_BOMS}
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([^\s;"',]+)""", re.IGNORECASE)
# Bytes UTF-8 could not read, as Python's surrogateescape leaves them.
_ESCAPED = re.compile("[\udc80-\udcff]+")
_FALLBACK = "cp1252"  # the standard's fallback for pages that name no charset
DETECT_SAMPLE = 65536  # bytes of an undeclared, non-UTF-8 page the detector looks at

BINARY_SAMPLE = 4096  # bytes of a page looked at to tell text from binary
BINARY_SHARE = 0.1  # share of control characters above which a page is binary, whatever it says


def codec_for(label: str | None) -> str | None:
    """The Python codec that reads a charset label as browsers do, None when unknown."""
    if not label:
        return None
    key = label.strip().strip("\"'").lower()
    name = _LABELS.get(key)
    if name is None:
        try:
            info = codecs.lookup(key)
        except LookupError:
            return None
        if not getattr(info, "_is_text_encoding", True):  # base64, rot13 and the like
            return None
        name = info.name
    return _SUPERSETS.get(name, name)


def header_charset(content_type: str | bytes | None) -> str | None:
    """The charset label of a Content-Type header value, None when it names none."""
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    match = _CHARSET_PARAM.search(content_type or "")
    return match.group(1) if match else None


def _strict(data: bytes, codec: str) -> str | None:
    """The bytes read strictly in a codec, an incomplete last character dropped; None on error."""
    if codec == _FALLBACK:
        return _windows_1252(data)
    try:
        decoder = codecs.getincrementaldecoder(codec)()
        return decoder.decode(data, final=False)
    except (UnicodeDecodeError, LookupError):
        return None


def _unescape_1252(match: re.Match[str]) -> str:
    """Bytes escaped by surrogateescape, read as Windows-1252."""
    raw = bytes(ord(char) - 0xDC00 for char in match.group())
    # Windows-1252 as the standard has it: its five unassigned bytes are the C1 controls.
    return "".join(chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252")
                   for b in raw)


def _windows_1252(data: bytes) -> str:
    """The bytes as the standard's Windows-1252, which reads any byte."""
    return _ESCAPED.sub(_unescape_1252, data.decode("cp1252", "surrogateescape"))


def _detect(data: bytes) -> tuple[str, str]:
    """A page in no charset it names: Windows-1252 when it reads as that, else the best guess."""
    from charset_normalizer import from_bytes

    matches = from_bytes(data[:DETECT_SAMPLE])
    if not any(_FALLBACK in m.could_be_from_charset for m in matches):
        for match in matches:
            codec = codec_for(match.encoding)
            text = _strict(data, codec) if codec else None
            if text is not None:
                return text, codec
    return _windows_1252(data), _FALLBACK


def _broken(data: bytes) -> tuple[str, str]:
    """Bytes no declaration reads: UTF-8 with stray bytes, else a detected charset."""
    text = data.decode("utf-8", "surrogateescape")
    stray = sum(len(run) for run in _ESCAPED.findall(text))
    if not stray:  # valid UTF-8 after all (behind a BOM or label that lied)
        return text, "utf-8"
    if len(text) - len(text.encode("ascii", "ignore")) - stray > stray:
        # Mostly UTF-8 with a few Windows-1252 bytes pasted in: read each part as what it is.
        return _ESCAPED.sub(_unescape_1252, text), "utf-8"
    return _detect(data)


def meta_charset(body: bytes) -> str | None:
    """The codec a page's <meta charset> or XML declaration names, as the standard reads it."""
    codec = codec_for(html_body_declared_encoding(body))
    # Bytes read far enough to find a <meta> are not UTF-16: the standard takes it as UTF-8.
    return "utf-8" if codec and codec.startswith("utf-16") else codec


def decode_page(body: bytes, declared: str | None) -> tuple[str, str]:
    """A page's text and the codec that read it: by its BOM, the declared charset, its <meta>,
    else detection; valid UTF-8 wins over a legacy charset, and no byte becomes U+FFFD.
    """
    for bom, codec in _BOMS.items():
        if body.startswith(bom):
            return _decode_as(body[len(bom):], codec, False)
    codec = codec_for(declared)
    if codec:
        return _decode_as(body, codec, True)
    codec = meta_charset(body)
    if codec:
        return _decode_as(body, codec, False)
    text = _strict(body, "utf-8")
    return (text, "utf-8") if text is not None else _broken(body)


def _decode_as(body: bytes, codec: str, meta: bool) -> tuple[str, str]:
    """The body in its declared codec, else in UTF-8, else (with meta) in its <meta> charset."""
    if codec != "utf-8" and not codec.startswith("utf-16") and not body.isascii():
        # Valid UTF-8 beyond ASCII is UTF-8 whatever the server says: the chance that text in a
        # legacy charset reads as well-formed multi-byte UTF-8 is negligible.
        text = _strict(body, "utf-8")
        if text is not None:
            return text, "utf-8"
    text = _strict(body, codec)
    if text is not None:
        return text, codec
    other = meta_charset(body) if meta else None
    if other and other != codec and (text := _strict(body, other)) is not None:
        return text, other
    return _broken(body)


def looks_binary(data: bytes) -> bool:
    """True when a page's first bytes are mostly not text (an image or archive sent as HTML)."""
    sample = data[:BINARY_SAMPLE]
    if not sample:
        return False
    bom = _UTF16_BOMS.get(sample[:2])
    codes = [ord(char) for char in sample[2:].decode(bom, "replace")] if bom else list(sample)
    controls = sum(1 for code in codes if code < 9 or 13 < code < 32)
    return controls / max(len(codes), 1) > BINARY_SHARE
