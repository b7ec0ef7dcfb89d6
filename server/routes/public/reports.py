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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from server.errors import NotFound
from server.i18n import LANGUAGES, Language, current_language, lazy
from server.models import Funder, SynthesisReport
from server.reports import pdf
from server.reports.figures import EventFigures, Narrative
from server.routes.manage.funders import funder_logo_dir
from server.services.accounts.funders import funder_credits, funder_logo, funding_statement
from server.services.reporting import synthesis as reporting
from server.web.downloads import download, safe_name
from server.web.policies import Anyone, requires

REPORT = "pages/report.html"
# A published report changes only when its organisers edit it: a short cache absorbs a donor's
# repeated visits, and an unpublished report is gone within minutes. Private: the page of a
# signed-in organiser carries their menu and CSRF token, which no shared cache may keep.
PUBLIC_CACHE = "private, max-age=300"


@dataclass(frozen=True)
class CoverFunder:
    """A funder at the top of the report page: its logo's address ("" without one), its name
    and its funding statement, in the reader's language or French (`language`)."""

    name: str
    logo_url: str
    statement: str
    language: Language


def cover(funders: Sequence[Funder], logo_url: Callable[[Funder], str]) -> list[CoverFunder]:
    """The funders on a report's cover as the page shows them, in the current language."""
    shown = []
    for funder in funders:
        statement, code = funding_statement(funder, current_language().code)
        url = logo_url(funder) if funder.logo_path else ""
        shown.append(CoverFunder(funder.name, url, statement, LANGUAGES[code]))
    return shown


def report_context(
    figures: EventFigures,
    narrative: Narrative,
    narrative_language: str,
    *,
    preview: bool,
    funders: Sequence[CoverFunder] = (),
) -> dict[str, Any]:
    """What `{% block report %}` of pages/report.html needs, in the current language.

    `preview` is True in the organisers' editor, where the report sits below the page's own
    title (its headings start one level lower). `funders` are shown at the top (`cover`).
    """
    language = LANGUAGES.get(narrative_language) or current_language()
    return {
        "figures": figures,
        "narrative": narrative,
        "narrative_language": language,
        "preview": preview,
        "cover_funders": funders,
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


def _public_logo_url(request: Request, token: str) -> Callable[[Funder], str]:
    def url(funder: Funder) -> str:
        return request.url_for("report_funder_logo", token=token, funder_id=funder.id).path

    return url


def report_pdf_file(
    request: Request,
    figures: EventFigures,
    report: SynthesisReport | None,
    funders: Sequence[Funder],
    language: str,
) -> Callable[[], bytes]:
    """The drawing of a report's PDF in `language`, to run off the event loop: the cover's
    funders with their logos, the narrative in the language it was written in."""
    credits = funder_credits(funders, language, funder_logo_dir(request))
    narrative_language = report.language if report else language

    def draw() -> bytes:
        return pdf.report_pdf(
            figures,
            reporting.narrative_of(report),
            language=language,
            narrative_language=narrative_language,
            funders=credits,
        )

    return draw


@requires(Anyone())
async def report(request: Request) -> Response:
    """The published report as a page, with links to its PDF in each language."""
    found = await reporting.published_report(request.path_params["token"])
    figures = reporting.without_comments(await reporting.event_figures(found.event))
    funders = cover(
        await reporting.report_funders(found), _public_logo_url(request, found.public_token or "")
    )
    context = report_context(
        figures, reporting.narrative_of(found), found.language, preview=False, funders=funders
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
    funders = await reporting.report_funders(found)
    draw = report_pdf_file(request, figures, found, funders, language)
    content = await run_in_threadpool(draw)
    return download(
        content, pdf_filename(found.event.slug, language), inline=True, cache=PUBLIC_CACHE
    )


@requires(Anyone())
async def report_funder_logo(request: Request) -> Response:
    """The logo of a funder on a published report's cover; any other funder answers 404."""
    found = await reporting.published_report(request.path_params["token"])
    wanted = int(request.path_params["funder_id"])
    funder = next((f for f in await reporting.report_funders(found) if f.id == wanted), None)
    if funder is None:
        raise NotFound(lazy("This funder does not exist."))
    path, media_type = funder_logo(funder, funder_logo_dir(request))
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": PUBLIC_CACHE})
