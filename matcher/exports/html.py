"""A printable agenda page: the organiser's grid (slots x tables) and one section per participant."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from html import escape
from zoneinfo import ZoneInfo

from matcher.event.schema import Event
from matcher.exports.ics import event_timezone, location
from matcher.meetings.model import Meeting

_CSS = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #111; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.5em; }
table { border-collapse: collapse; font-size: 0.8em; }
th, td { border: 1px solid #999; padding: 3px 5px; vertical-align: top; }
th { background: #eee; } td.empty { background: #fafafa; }
.origin { color: #555; font-size: 0.85em; }
section.person { page-break-inside: avoid; }
@media print { section.grid { page-break-after: always; } body { margin: 0; } }
"""


def agenda_html(event: Event, meetings: Sequence[Meeting], title: str | None = None) -> str:
    """The whole page as a string (UTF-8 HTML5, no scripts, prints on A4 landscape)."""
    zone = event_timezone(event)
    tz = ZoneInfo(zone)
    slots = sorted(event.slots, key=lambda s: (s.start, s.slot_id))
    tables = sorted(event.tables, key=lambda t: t.table_id)
    names = {p.id: p.name for p in event.participants}
    at: dict[tuple[str, str], Meeting] = {(m.slot_id, m.table_id): m for m in meetings}

    def when(slot_id: str) -> str:
        s = next(x for x in slots if x.slot_id == slot_id)
        return f"{s.start.astimezone(tz):%H:%M}-{s.end.astimezone(tz):%H:%M}"

    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title or event.name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title or event.name)}: meeting schedule</h1>",
        f"<p>{len(meetings)} meetings, times in {escape(zone)}.</p>",
        '<section class="grid"><h2>Organiser grid</h2><table><tr><th>slot</th>',
    ]
    out += [f"<th>{escape(t.name or t.table_id)}</th>" for t in tables]
    out.append("</tr>")
    for s in slots:
        out.append(f"<tr><th>{escape(s.slot_id)}<br>{when(s.slot_id)}</th>")
        for t in tables:
            m = at.get((s.slot_id, t.table_id))
            if m is None:
                out.append('<td class="empty"></td>')
            else:
                out.append(
                    f"<td>{escape(names.get(m.a_id, m.a_id))}<br>{escape(names.get(m.b_id, m.b_id))}"
                    f'<br><span class="origin">{escape(m.origin.value)}</span></td>'
                )
        out.append("</tr>")
    out.append("</table></section>")
    per: dict[str, list[Meeting]] = defaultdict(list)
    for m in meetings:
        per[m.a_id].append(m)
        per[m.b_id].append(m)
    order = {s.slot_id: i for i, s in enumerate(slots)}
    for p in sorted(event.participants, key=lambda p: p.id):
        mine = sorted(per.get(p.id, []), key=lambda m: order.get(m.slot_id, 0))
        out.append(
            f'<section class="person" id="{escape(p.id)}"><h2>{escape(p.name)} ({escape(p.id)}, '
            f"{escape(p.role.value)})</h2>"
        )
        if not mine:
            out.append("<p>No meetings scheduled.</p></section>")
            continue
        out.append("<table><tr><th>time</th><th>with</th><th>where</th><th>why</th></tr>")
        for m in mine:
            other = m.b_id if m.a_id == p.id else m.a_id
            out.append(
                f"<tr><td>{when(m.slot_id)}</td><td>{escape(names.get(other, other))}</td>"
                f"<td>{escape(location(event, m))}</td><td>{escape(m.origin.value)}</td></tr>"
            )
        out.append("</table></section>")
    out.append("</body></html>")
    return "\n".join(out)
