"""Published synthesis reports: the public page at a report's link, and its PDF in French,
Arabic or English.

A published report shows aggregates only, as `server.reports.disclosure` publishes them (no count
from 1 to 4, none that a total would give away); the feedback's comments are taken out of the
figures before anything is drawn. An unknown token, and a report that is not or no longer
published, answer 404.

`report_context()` is what the report's `{% block report %}` reads: the organisers' editor
shows the same block as its live preview.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from server.i18n import LANGUAGES, current_language
from server.reports import pdf
from server.reports.figures import EventFigures, Narrative
from server.services.reporting import synthesis as reporting
from server.web.downloads import download, safe_name
from server.web.policies import Anyone, requires

REPORT = "pages/report.html"
# A published report changes only when its organisers edit it: a short cache absorbs a donor's
# repeated visits, and an unpublished report is gone within minutes. Private: the page of a
# signed-in organiser carries their menu and CSRF token, which no shared cache may keep.
PUBLIC_CACHE = "private, max-age=300"


def report_context(
    figures: EventFigures, narrative: Narrative, narrative_language: str, *, preview: bool
) -> dict[str, Any]:
    """What `{% block report %}` of pages/report.html needs, in the current language.

    `preview` is True in the organisers' editor, where the report sits below the page's own
    title (its headings start one level lower).
    """
    language = LANGUAGES.get(narrative_language) or current_language()
    return {
        "figures": figures,
        "narrative": narrative,
        "narrative_language": language,
        "preview": preview,
        "busiest_arrival": max((slot.arrivals for slot in figures.arrivals), default=0),
        "right_to_left": current_language().direction == "rtl",
    }


def pdf_language(request: Request) -> str:
    """`?language=` when it names a language, else the reader's current language. Not `?lang=`:
    that would also switch the site's language for the reader who downloads a translation."""
    asked = request.query_params.get("language", "")
    return asked if asked in LANGUAGES else current_language().code


def pdf_filename(stem: str, language: str) -> str:
    """A report's PDF file name, whatever `stem` holds."""
    return f"{safe_name(stem, 'report')}-{language}.pdf"


@requires(Anyone())
async def report(request: Request) -> Response:
    """The published report as a page, with links to its PDF in each language."""
    found = await reporting.published_report(request.path_params["token"])
    figures = reporting.without_comments(await reporting.event_figures(found.event))
    context = report_context(
        figures, reporting.narrative_of(found), found.language, preview=False
    ) | {"token": found.public_token}
    response = request.app.state.renderer.page(request, REPORT, context)
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@requires(Anyone())
async def report_pdf(request: Request) -> Response:
    """The published report as a PDF in `?language=` (fr, ar or en)."""
    found = await reporting.published_report(request.path_params["token"])
    language = pdf_language(request)
    figures = reporting.without_comments(
        await reporting.event_figures(found.event, language=language)
    )
    content = await run_in_threadpool(
        pdf.report_pdf, figures, reporting.narrative_of(found), language=language
    )
    return download(
        content, pdf_filename(found.event.slug, language), inline=True, cache=PUBLIC_CACHE
    )
