"""``idsync verify --report-html FILE``: one self-contained HTML page a person reads (issue 14, point 5).

The page has no external asset and no script: one inline stylesheet, so it opens from a CI
artifact, a mail attachment or a file share alike. It shows the summary per API and level, then
every failure and warning with its rule, source, request, response and curl line
(``contracts.evidence``), the skipped checks with their reasons and the passing ones folded.
Every text goes through :func:`html.escape` after the run's secrets are masked
(``contracts.report.mask``): a response body holding ``<script>`` is shown, never run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path

from contracts.evidence import Exchange, telling
from contracts.report import MAX_DETAIL, Result, counts, level_key, mask

STATUS_TITLES = (("failed", "Failures"), ("warned", "Warnings (SHOULD deviations)"))


class Page:
    """Renders one run; ``secrets`` are masked in every text (the credentials the user gave)."""

    def __init__(self, results: Sequence[Result], facts: dict[str, str], secrets: Iterable[str] = ()) -> None:
        self.results = results
        self.facts = facts
        self.secrets = [s for s in secrets if s]

    def text(self, value: object) -> str:
        """``value`` as safe HTML text: secrets masked, then escaped."""
        return escape(mask(str(value), self.secrets), quote=True)

    def render(self, title: str) -> str:
        total = counts(self.results)
        verdict = "failed" if total["failed"] else ("warned" if total["warned"] else "passed")
        parts = [
            f"<header class={verdict}><h1>{self.text(title)}: {verdict}</h1>",
            "<p>" + " · ".join(f"<b>{total[s]}</b> {s}" for s in total) + "</p>",
            "<dl>" + "".join(f"<dt>{self.text(k)}</dt><dd>{self.text(v)}</dd>" for k, v in self.facts.items()),
            "</dl></header>",
            self.summary(),
        ]
        for status, heading in STATUS_TITLES:
            chosen = [r for r in self.results if r.status == status]
            if chosen:
                parts.append(f"<h2>{heading} ({len(chosen)})</h2>" + "".join(self.deviation(r) for r in chosen))
        parts += [self.skipped(), self.passed()]
        return PAGE.format(title=self.text(title), style=STYLE, body="\n".join(parts))

    def summary(self) -> str:
        rows = []
        for api, level in dict.fromkeys((r.api, r.level) for r in self._sorted()):
            mine = [r for r in self.results if (r.api, r.level) == (api, level)]
            c = counts(mine)
            mark = "failed" if c["failed"] else ("warned" if c["warned"] else ("passed" if c["passed"] else "skipped"))
            cells = "".join(f"<td class=n>{c[s]}</td>" for s in ("passed", "failed", "warned", "skipped"))
            seconds = sum(r.seconds for r in mine)
            rows.append(
                f"<tr class={mark}><th>{self.text(api)}</th><td>{self.text(level)}</td>"
                f"<td><span class=badge>{mark}</span></td>{cells}<td class=n>{seconds:.1f}</td></tr>"
            )
        head = "".join(f"<th>{h}</th>" for h in ("API", "level", "", "passed", "failed", "warned", "skipped", "s"))
        return f"<h2>Summary</h2><table><tr>{head}</tr>{''.join(rows)}</table>"

    def deviation(self, r: Result) -> str:
        """A failure or warning: what was broken, by which rule of which source, and the evidence."""
        facts = [("requirement", r.requirement.value), ("rule", r.rule), ("source", r.source)]
        listed = "".join(f"<dt>{k}</dt><dd>{self.text(v)}</dd>" for k, v in facts if v)
        evidence = "".join(self.exchange(e) for e in r.evidence)
        if not evidence:  # no exchange (a spec check, a crash): the message says it all
            evidence = f"<pre>{self.text(r.message[:MAX_DETAIL])}</pre>"
        return (
            f"<details open class={r.status}><summary><span class=badge>{r.status}</span> "
            f"{self.text(r.api)} · {self.text(r.level)} · <b>{self.text(r.name)}</b></summary>"
            f"<dl>{listed}</dl>{evidence}</details>"
        )

    def exchange(self, e: Exchange) -> str:
        request = _message(f"{e.method} {e.url}", e.request_headers, e.request_body)
        response = _message(str(e.status), e.response_headers, e.response_body)
        return (
            "<div class=exchange>"
            f"<div><h4>Request</h4><pre>{self.text(request)}</pre></div>"
            f"<div><h4>Response</h4><pre>{self.text(response)}</pre></div></div>"
            f"<h4>Reproduce</h4><pre class=curl>{self.text(e.curl())}</pre>"
        )

    def skipped(self) -> str:
        chosen = [r for r in self._sorted() if r.status == "skipped"]
        if not chosen:
            return ""
        rows = "".join(
            f"<tr><th>{self.text(r.api)}</th><td>{self.text(r.level)}</td><td>{self.text(r.name)}</td>"
            f"<td>{self.text(r.message or r.source)}</td></tr>"
            for r in chosen
        )
        head = "<tr><th>API</th><th>level</th><th>check</th><th>why</th></tr>"
        return f"<h2>Skipped ({len(chosen)})</h2><table>{head}{rows}</table>"

    def passed(self) -> str:
        chosen = [r for r in self._sorted() if r.status == "passed"]
        items = "".join(
            f"<li>{self.text(r.api)} · {self.text(r.level)} · {self.text(r.name)}"
            + (f" <small>({r.cases} cases)</small>" if r.cases else "")
            + (f" <small>{self.text(r.source)}</small>" if r.source else "")
            + "</li>"
            for r in chosen
        )
        return f"<details><summary><h2>Passed ({len(chosen)})</h2></summary><ul>{items}</ul></details>"

    def _sorted(self) -> list[Result]:
        apis = list(dict.fromkeys(r.api for r in self.results))
        return sorted(self.results, key=lambda r: (apis.index(r.api), level_key(r.level)))


def _message(first_line: str, headers: dict[str, str], body: str) -> str:
    """An HTTP message as text: its first line, the telling headers, the body."""
    lines = [first_line, *(f"{k}: {v}" for k, v in telling(headers).items())]
    return "\n".join(lines) + (f"\n\n{body}" if body else "")


def render_html(
    results: Sequence[Result], facts: dict[str, str], *, secrets: Iterable[str] = (), title: str = "idsync verify"
) -> str:
    """The whole report as one HTML document."""
    return Page(results, facts, secrets).render(title)


def write_html(
    results: Sequence[Result], path: str | Path, facts: dict[str, str], *, secrets: Iterable[str] = ()
) -> None:
    """Write :func:`render_html` to ``path`` (its folder is made if needed)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_html(results, facts, secrets=secrets), encoding="utf-8")


STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:80rem;padding:1rem 1.5rem;color:#1d232a}
header{border-left:6px solid #1a7f37;padding:.2rem 1rem;margin-bottom:1rem}header.failed{border-color:#b42318}
header.warned{border-color:#9a6700}h1{font-size:1.4rem;margin:.3rem 0}
h2{font-size:1.1rem;margin:1.6rem 0 .5rem;display:inline-block}
h4{margin:.6rem 0 .2rem;font-size:.8rem;text-transform:uppercase;color:#5b6670}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.4rem 0}dt{color:#5b6670}dd{margin:0}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #dde2e7;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;min-width:4.5rem;text-align:center;border-radius:3px;padding:0 .3rem;font-size:.8rem;
color:#fff;background:#1a7f37}
.failed .badge{background:#b42318}.warned .badge{background:#9a6700}.skipped .badge{background:#6e7781}
details{border:1px solid #dde2e7;border-radius:5px;padding:.4rem .8rem;margin:.5rem 0}summary{cursor:pointer}
details.failed{border-left:4px solid #b42318}details.warned{border-left:4px solid #9a6700}
.exchange{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
pre{background:#f4f5f7;padding:.5rem;border-radius:4px;white-space:pre-wrap;word-break:break-all;font-size:12px;margin:0;max-height:30rem;overflow:auto}
small{color:#5b6670}
"""

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{title}</title><style>{style}</style></head>
<body>
{body}
</body></html>
"""
