"""The HTML writer: one self-contained file (styles inline, charts embedded as PNG), nothing loaded from the web."""

from __future__ import annotations

import base64
import html
from typing import Any

from sim.report.document import Box, Bullets, Chart, Document, Heading, Para, Table

CSS = """
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;color:#1d1d1d;max-width:58rem;margin:2rem auto;
padding:0 1.2rem;line-height:1.45;font-size:15px}
h1{font-size:1.75rem;color:#17365d;margin:0 0 .3rem}
h2{font-size:1.35rem;color:#17365d;border-bottom:2px solid #17365d;padding-bottom:.2rem;margin-top:2.4rem}
h3{font-size:1.08rem;color:#17365d;margin:1.4rem 0 .4rem}
p.subtitle{color:#555;margin-top:0}
p.small,ul.small{font-size:.85rem;color:#333}
.box{border:2px solid #b00020;background:#fff4f4;padding:.6rem 1rem;margin:1rem 0;border-radius:4px}
.box.note{border-color:#888;background:#f4f4f4}
.box strong{display:block;margin-bottom:.3rem;color:#b00020}
.box.note strong{color:#333}
.box ul{margin:.2rem 0;padding-left:1.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.86rem;width:100%}
th,td{border:1px solid #c8c8c8;padding:.3rem .45rem;vertical-align:top}
th{background:#e8edf3;text-align:left}
tbody th{background:#f7f9fb}
td.num{text-align:right;white-space:nowrap}
td.hl,th.hl{background:#f3f3f3}
tr:nth-child(even) td{background-color:#fafafa}
tr:nth-child(even) td.hl{background-color:#efefef}
td .sub{display:block;color:#666;font-size:.82em}
td.tech{font-family:"DejaVu Sans Mono",monospace;font-size:.72rem;color:#666;white-space:normal;word-break:break-all}
caption{caption-side:bottom;text-align:left;font-size:.8rem;color:#555;padding-top:.3rem}
figure{margin:1rem 0}
figure img{width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.85rem;color:#555}
.scroll{overflow-x:auto}
footer{margin-top:3rem;font-size:.8rem;color:#777;border-top:1px solid #ccc;padding-top:.5rem}
@media print{body{max-width:none;margin:0;font-size:11pt}section{break-before:page}
section:first-of-type{break-before:auto}
figure,table,.box{break-inside:avoid}}
"""


def _esc(s: str) -> str:
    return html.escape(str(s))


def _cell_html(text: str) -> str:
    lines = str(text).split("\n")
    inner = _esc(lines[0]) + "".join(f'<span class="sub">{_esc(x)}</span>' for x in lines[1:])
    return inner


def render_html(doc: Document, images: dict[int, bytes]) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(doc.title)}</title><style>{CSS}</style></head><body>",
        f'<header><h1>{_esc(doc.title)}</h1><p class="subtitle">{_esc(doc.subtitle)}</p></header>',
    ]
    for sec in doc.sections:
        out.append(f'<section id="{_esc(sec.id)}"><h2>{_esc(sec.title)}</h2>')
        for b in sec.blocks:
            out.append(_block_html(b, images))
        out.append("</section>")
    out.append(f"<footer>{_esc(doc.footer)}</footer></body></html>")
    return "\n".join(out)


def _block_html(b: Any, images: dict[int, bytes]) -> str:
    if isinstance(b, Heading):
        return f"<h3>{_esc(b.text)}</h3>"
    if isinstance(b, Para):
        cls = f' class="{b.style}"' if b.style != "body" else ""
        return f"<p{cls}>{_esc(b.text)}</p>"
    if isinstance(b, Bullets):
        cls = f' class="{b.style}"' if b.style != "body" else ""
        return f"<ul{cls}>" + "".join(f"<li>{_esc(i)}</li>" for i in b.items) + "</ul>"
    if isinstance(b, Box):
        ident = f' id="{_esc(b.id)}"' if b.id else ""
        items = "".join(f"<li>{_esc(i)}</li>" for i in b.items)
        return f'<div class="box {b.kind}"{ident} role="note"><strong>{_esc(b.title)}</strong><ul>{items}</ul></div>'
    if isinstance(b, Table):
        ident = f' id="{_esc(b.id)}"' if b.id else ""
        head = "".join(
            f'<th{" class=hl" if j == b.highlight_col else ""} scope="col">{_esc(h)}</th>'
            for j, h in enumerate(b.header)
        )
        rows = []
        for row in b.rows:
            cells = []
            for j, c in enumerate(row):
                cls = {"l": [], "r": ["num"], "t": ["tech"]}[b.col_align(j)] + (["hl"] if j == b.highlight_col else [])
                attr = f' class="{" ".join(cls)}"' if cls else ""
                tag, scope = ("th", ' scope="row"') if j == 0 else ("td", "")
                cells.append(f"<{tag}{attr}{scope}>{_cell_html(c)}</{tag}>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        cap = f"<caption>{_esc(b.caption)}</caption>" if b.caption else ""
        body = "".join(rows)
        return (
            f'<div class="scroll"><table{ident}>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
        )
    if isinstance(b, Chart):
        data = base64.b64encode(images[id(b)]).decode("ascii")
        ident = f' id="{_esc(b.id)}"' if b.id else ""
        cap = f"<figcaption>{_esc(b.caption)}</figcaption>" if b.caption else ""
        return f'<figure{ident}><img alt="{_esc(b.title)}" src="data:image/png;base64,{data}">{cap}</figure>'
    raise TypeError(f"unknown block {type(b).__name__}")
