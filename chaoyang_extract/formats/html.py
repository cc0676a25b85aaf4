"""HTML pages: the article's text, one paragraph a line, with the page's title and date.

trafilatura finds the article and leaves out navigation, sidebars, share bars, related
links, comments and footers; htmldate reads the publication date. What is specific to
Chinese government sites is handled here: pages that declare gb2312 and are GBK, dates
written 2017年03月01日, and 来源/发布时间 lines that some templates put inside the article.

The libraries are imported when a page is read: trafilatura alone takes a sixth of a
second to import, which a run over text files should not pay.
"""

from __future__ import annotations

import codecs
import re
from datetime import date
from typing import TYPE_CHECKING

from chaoyang_extract.errors import InputError
from chaoyang_extract.formats import Extracted

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["decode_html", "read_html"]

# trafilatura's own MAX_FILE_SIZE: a larger "page" is not a report page, and parsing it
# would cost seconds and a DOM many times its size.
_MAX_BYTES = 20_000_000
# Where a page's charset declaration is looked for. Browsers scan the first 1024 bytes;
# CMS templates that put scripts and comments first push it further.
_DECLARATION_WINDOW = 4096
_NO_TEXT = "no article text found in the HTML page"

_DECLARED = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:+-]+)"""
    rb"""|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:+-]+)""",
    re.I,
)
# GB2312 lacks characters that real pages use (镕, 堃, 〇) and reads the em dash as U+2015;
# pages that declare it are GBK, whose superset GB18030 decodes them all.
_GB_ALIASES = frozenset({"gb2312", "gbk", "cp936", "ms936", "x-gbk", "gb_2312-80", "euc-cn"})
# Single-byte Western code pages (Python's names for them), under which any bytes decode.
_WESTERN = frozenset({"iso8859-1", "cp1252", "iso8859-15"})


def read_html(data: bytes, source: str) -> Extracted:
    """An HTML page's article text (one paragraph a line), title and date.

    Raises InputError(source, ...) for a page too large, one that is not HTML, and one
    with no article in it (an index or a navigation page).
    """
    if len(data) > _MAX_BYTES:
        raise InputError(
            source, f"HTML page too large ({len(data) / 1e6:.0f} MB; the limit is 20 MB)"
        )
    from trafilatura import load_html

    tree = load_html(_drop_xml_declaration(decode_html(data, source)))
    if tree is None:
        raise InputError(source, "not a readable HTML page")
    _unwrap_layout_tables(tree)
    text, cleaner_title, found_date = _extract(tree, source)
    if not _has_article_text(text):
        raise InputError(source, _NO_TEXT)
    return Extracted(
        text=text,
        format="html",
        title=_choose_title(_page_title(tree), cleaner_title),
        date=_page_date(tree, found_date),
    )


def _extract(tree: HtmlElement, source: str) -> tuple[str, str | None, str | None]:
    """The article text, trafilatura's title and htmldate's date, in one pass."""
    from trafilatura import bare_extraction

    try:
        document = bare_extraction(
            tree,
            # Recall: a report is long and plain, so the risk is losing its short lines
            # (headings, 各位代表：), not picking up boilerplate.
            favor_recall=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
            # Paragraphs such as 各位代表！ recur in a report and must stay.
            deduplicate=False,
            with_metadata=True,
            date_extraction_params={
                "original_date": True,
                # The extensive search turns a bare year in the text (2016年工作回顾) into
                # 2016-01-01 and imports dateparser (1.5 s) to do so.
                "extensive_search": False,
                "outputformat": "%Y-%m-%d",
            },
        )
    # trafilatura, lxml, justext and htmldate raise assorted errors on malformed markup;
    # the user needs one line, not their traceback.
    except Exception as exc:
        raise InputError(source, f"cannot extract the HTML page's text ({exc})") from exc
    if document is None or isinstance(document, dict):
        return "", None, None
    return _clean_lines(document.text or ""), document.title, document.date


# Older government sites lay pages out with tables and put the whole article in one cell,
# which trafilatura renders as a single table row: the report's paragraphs on one line. A
# cell holding this much text is a layout box, not a figure in a data table.
_LAYOUT_CELL_CHARS = 300


def _unwrap_layout_tables(tree: HtmlElement) -> None:
    """Turn layout tables (a cell holding running text) into plain blocks, in place."""
    layout = [
        table
        for table in tree.iter("table")
        if any(len(cell.text_content()) > _LAYOUT_CELL_CHARS for cell in _cells(table))
    ]
    for table in layout:
        for cell in _cells(table):
            cell.tag = "div"
        for part in table.xpath("./tr | ./thead | ./tbody | ./tfoot | ./*/tr"):
            part.tag = "div"
        table.tag = "div"


def _cells(table: HtmlElement) -> list[HtmlElement]:
    # The table's own cells, not those of tables nested in them.
    cells: list[HtmlElement] = table.xpath("./tr/td | ./tr/th | ./*/tr/td | ./*/tr/th")
    return cells


# --- decoding ---------------------------------------------------------------------------


def decode_html(data: bytes, source: str) -> str:
    """The page as text: by its BOM, else its declared charset if that decodes cleanly,
    else UTF-8, GB18030 and charset-normalizer's guess, in that order.

    >>> decode_html('<meta charset="gb2312"><p>朱镕基〇</p>'.encode("gbk"), "p.html")
    '<meta charset="gb2312"><p>朱镕基〇</p>'
    >>> decode_html('<meta charset="utf-8"><p>四川〇</p>'.encode("gbk"), "p.html")
    '<meta charset="utf-8"><p>四川〇</p>'
    >>> decode_html('<meta charset="utf-16"><p>页</p>'.encode("utf-8"), "p.html")
    '<meta charset="utf-16"><p>页</p>'
    >>> decode_html('<meta charset="iso-8859-1"><p>报告</p>'.encode("gbk"), "p.html")
    '<meta charset="iso-8859-1"><p>报告</p>'
    """
    bom = _bom(data)
    if bom is not None:
        encoding, size = bom
        return data[size:].decode(encoding, "replace")
    declared = _declared_charset(data[:_DECLARATION_WINDOW])
    for encoding in _candidates(declared):
        text = _strict(data, encoding)
        if text is not None:
            return text
    guessed = _guess(data)
    if guessed is not None:
        return guessed
    return _lossy(data, declared, source)


def _candidates(declared: str | None) -> tuple[str, ...]:
    """The encodings to try strictly, in order.

    A Western code page decodes any bytes without error, so when a page declares one its
    declaration is tried last: cyx reads Chinese reports, and a Chinese page that claims
    ISO-8859-1 is a misconfigured template far more often than a Western page is valid
    UTF-8 or GB18030.

    >>> _candidates("big5"), _candidates("iso8859-1"), _candidates(None)
    (('big5', 'utf-8', 'gb18030'), ('utf-8', 'gb18030', 'iso8859-1'), ('utf-8', 'gb18030'))
    """
    sniffed = ("utf-8", "gb18030")
    if declared is None:
        return sniffed
    if declared in _WESTERN:
        return (*sniffed, declared)
    return tuple(dict.fromkeys((declared, *sniffed)))


def _bom(data: bytes) -> tuple[str, int] | None:
    # UTF-32 before UTF-16: the UTF-32 LE mark begins with the UTF-16 LE mark.
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def _declared_charset(head: bytes) -> str | None:
    """The charset a page's <meta> or XML declaration names, as a Python codec name.

    >>> _declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=GB2312">')
    'gb18030'
    >>> _declared_charset(b"<meta charset='UTF-8'/>"), _declared_charset(b'<meta charset="x-unknown">')
    ('utf-8', None)
    """
    match = _DECLARED.search(head)
    if match is None:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii").lower()
    if name in _GB_ALIASES:
        return "gb18030"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # A declaration readable as ASCII cannot be UTF-16 or UTF-32 (browsers read such a
    # page as UTF-8, and a strict UTF-16 decode of ASCII bytes "succeeds" into nonsense).
    return None if codec.startswith(("utf-16", "utf-32")) else codec


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    # A sample bounds the cost; the whole page must still decode by the guess.
    match = from_bytes(data[: 1 << 18]).best()
    return None if match is None else _strict(data, match.encoding)


def _lossy(data: bytes, declared: str | None, source: str) -> str:
    """A page with a few corrupt bytes (a truncated download) is still worth reading."""
    for encoding in dict.fromkeys((declared or "utf-8", "utf-8", "gb18030")):
        text = data.decode(encoding, "replace")
        if text.count("\ufffd") <= max(1, len(text) // 1000):
            return text
    raise InputError(source, "cannot decode the HTML page (not UTF-8, GBK or its declared charset)")


def _drop_xml_declaration(page: str) -> str:
    # The page is decoded already; lxml would otherwise reapply the declared encoding.
    return re.sub(r"^\s*<\?xml[^>]*>", "", page, count=1)


# --- text -------------------------------------------------------------------------------

# Lines of page furniture that templates put inside the article: a byline with the source
# and date, an editor, a hit counter, a font-size switch, a share bar, a breadcrumb; and
# the site's footer, which a table layout can leave in the article's box.
_LABEL = re.compile(
    r"(?:来源|信息来源|稿源|出处|(?:发布|更新|发文|成文)?(?:时间|日期)|发布机构|责任编辑|编辑|作者"
    r"|浏览次数|阅读次数|点击数|访问量|字体|字号|分享到?|当前位置|您的位置|你的位置|所在位置"
    r"|主办|主办单位|承办|承办单位|协办单位|技术支持|联系电话|联系方式|地址|邮编)\s*[:：]"
    r"|ICP备|ICP证|公网安备|网站标识码|版权所有|Copyright|©",
    re.I,
)
_BREADCRUMB = re.compile(r"^首页\s*[>＞›»]")
# Buttons in brackets (【打印本页】【关闭窗口】); a report's own bracketed headings such as
# 【回眸2017】 stay.
_BUTTON = r"[【\[][^】\]]{0,8}(?:打印|关闭|返回|收藏|纠错|字号|字体|繁体|简体|分享|评论|顶部)[^】\]]{0,8}[】\]]"
_BRACKETED_BUTTONS = re.compile(rf"^(?:{_BUTTON}\s*)+$")
_TABLE_RULE = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+$")
_SENTENCE_PUNCT = re.compile(r"[。，；！？]")
_SENTENCE_END = re.compile(r"[。！？]|[.!?](?=\s|$)")
# A byline is short; a report sentence that quotes a source (来源：…) is long and punctuated.
_BYLINE_MAX = 80


def _clean_lines(text: str) -> str:
    """One stripped paragraph a line, without page furniture.

    >>> print(_clean_lines("来源：朝阳市人民政府　发布时间：2017-03-01\\n　　各位代表：\\n"
    ...                    "|---|---|\\n| 指标 | 780亿元 |\\n责任编辑：王丽\\n【打印本页】【关闭窗口】\\n"
    ...                    "主办单位：朝阳市人民政府办公室　备案号：辽ICP备05000000号\\n【回眸2016】"), end="")
    各位代表：
    | 指标 | 780亿元 |
    【回眸2016】
    """
    kept = [
        line
        for line in (raw.strip() for raw in text.splitlines())
        if line and not _is_furniture(line)
    ]
    return "".join(line + "\n" for line in kept)


def _is_furniture(line: str) -> bool:
    if _TABLE_RULE.match(line) or _BRACKETED_BUTTONS.match(line) or _BREADCRUMB.match(line):
        return True
    return (
        len(line) <= _BYLINE_MAX
        and _LABEL.search(line) is not None
        and _SENTENCE_PUNCT.search(line) is None
    )


def _has_article_text(text: str) -> bool:
    """Whether the text holds prose: two sentence ends at least, so that a navigation page
    with one copyright sentence in its footer does not count.

    >>> _has_article_text("首页\\n政务公开\\n版权所有，未经许可不得复制。\\n")
    False
    >>> _has_article_text("各位代表：\\n现在，我代表市人民政府向大会报告工作。请予审议。\\n")
    True
    >>> _has_article_text("Home\\nThe report was read. It was approved.\\n")
    True
    """
    return len(_SENTENCE_END.findall(text)) >= 2


# --- title and date ---------------------------------------------------------------------


def _page_title(tree: HtmlElement) -> str | None:
    title = " ".join((tree.findtext(".//title") or "").split())
    if not title:
        og: list[str] = tree.xpath('//meta[@property="og:title"]/@content')
        title = " ".join(og[0].split()) if og else ""
    return title or None


_SEPARATOR_STARTS = re.compile(r"\s*[_|\-–—·•:：/]")
_SEPARATOR_ENDS = re.compile(r"[_|\-–—·•:：/]\s*$")


def _choose_title(page: str | None, cleaner: str | None) -> str | None:
    """The page's own title, without the site's name when trafilatura's title is the
    page's title less a part set off by a separator (朝阳市人民政府 after an underscore).

    >>> _choose_title("朝阳市2017年政府工作报告_朝阳市人民政府", "朝阳市2017年政府工作报告")
    '朝阳市2017年政府工作报告'
    >>> _choose_title("京华新闻网 | 2026年北京市政府工作报告", "2026年北京市政府工作报告")
    '2026年北京市政府工作报告'
    >>> _choose_title("朝阳市2017年政府工作报告_朝阳市人民政府", "政府工作报告")
    '朝阳市2017年政府工作报告_朝阳市人民政府'
    """
    cleaner = " ".join(cleaner.split()) if cleaner else None
    if page is None or not cleaner:
        return page or cleaner
    before, found, after = page.partition(cleaner)
    site_after = not before and _SEPARATOR_STARTS.match(after) is not None
    site_before = not after and _SEPARATOR_ENDS.search(before) is not None
    return cleaner if found and (site_after or site_before) else page


# Dates the page labels as its own. htmldate reads 2017-03-01 but not 2017年03月01日, and
# where it finds no date it can read it takes one from a list of other documents' dates.
_DATE = r"\s*[:：]\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
_PUBLISHED = re.compile(r"(?:发布|发文|成文|印发)(?:时间|日期)" + _DATE)
# Bare 时间/日期, not the end of 更新时间 or 截止日期.
_DATED = re.compile(r"(?<![\u4e00-\u9fff])(?:时间|日期)" + _DATE)


def _page_date(tree: HtmlElement, found: str | None) -> str | None:
    """The page's 发布时间 if it shows one, else htmldate's date (meta tags, ISO dates in
    the text), else a date labelled just 时间 or 日期.

    A visible publication date is what these sites mean their readers to take for the
    date; htmldate's other sources are second to it.
    """
    body = tree.find(".//body")
    visible = (body if body is not None else tree).text_content()
    return _first_date(_PUBLISHED, visible) or found or _first_date(_DATED, visible)


def _first_date(label: re.Pattern[str], text: str) -> str | None:
    """The first valid date after the label, as YYYY-MM-DD.

    >>> _first_date(_PUBLISHED, "更新时间：2017-03-05 发布日期：2017年3月1日")
    '2017-03-01'
    >>> _first_date(_DATED, "更新时间：2017-03-05 日期：2017-02-30 时间：2017/02/28")
    '2017-02-28'
    """
    for match in label.finditer(text):
        try:
            return date(*(int(part) for part in match.groups())).isoformat()
        except ValueError:
            continue
    return None
