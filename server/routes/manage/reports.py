"""The organisers' synthesis report of an event — the narrative written next to a live preview
of the whole report, then published at a public link — and the programme bulletin across an
organisation's events over a period.

Every handler is for the organisers of the organisation in the path; an event of another
organisation answers 404, like an unknown one. The preview shows exactly the published report's
block (pages/report.html), comments left out; the feedback's comments appear beside it, for
the team only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from server.errors import ValidationFailed
from server.i18n import LANGUAGES, lazy
from server.models import Event, Funder, Organisation, SynthesisReport
from server.models.enums import ReportStatus
from server.reports import pdf, spreadsheets
from server.reports.figures import EventFigures, ProgrammeFigures
from server.routes.manage.common import path_event
from server.routes.public.reports import (
    REPORT,
    cover,
    pdf_filename,
    pdf_language,
    report_context,
    report_pdf_file,
)
from server.services.accounts import funders
from server.services.reporting import synthesis as reporting
from server.services.reporting.synthesis import NARRATIVE_FIELDS, ReportForm, ReportRefused
from server.web.downloads import download, safe_name
from server.web.flash import pop_flash, redirect_with_flash
from server.web.policies import ORGANISERS, requires
from server.web.security import signed_in_user

EDITOR = "pages/manage/report_editor.html"
BULLETIN = "pages/manage/bulletin.html"
PARTS = (
    (
        "context",
        lazy("Context"),
        lazy("Why this event, for whom, with which partners and funding."),
    ),
    (
        "what_happened",
        lazy("What happened"),
        lazy("The day itself: workshops, employers met, what changed from the plan."),
    ),
    ("highlights", lazy("Highlights"), lazy("Successes and stories worth telling, without names.")),
    (
        "recommendations",
        lazy("Recommendations"),
        lazy("What the next events should do differently."),
    ),
    ("next_steps", lazy("Next steps"), lazy("Follow-up with attendees, employers and partners.")),
)


# --- the report editor --------------------------------------------------------------------------


async def _read_form(request: Request) -> tuple[ReportForm, dict[str, str]]:
    """The editor's form as sent (the funders ticked included), and its text fields."""
    form = await request.form()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    funders = tuple(value for value in form.getlist("funders") if isinstance(value, str))
    report = ReportForm(
        **{name: fields.get(name, "") for name in NARRATIVE_FIELDS},
        language=fields.get("language", ""),
        funders=funders,
    )
    return report, fields


def _organiser_logo_url(request: Request) -> Callable[[Funder], str]:
    slug = request.state.organisation.slug

    def url(funder: Funder) -> str:
        return request.url_for("manage:funder_logo", organisation=slug, funder_id=funder.id).path

    return url


def _urls(request: Request, event: Event) -> dict[str, str]:
    slug = request.state.organisation.slug
    return {
        f"{name}_url": request.url_for(
            f"manage:report{suffix}", organisation=slug, event_id=event.id
        ).path
        for name, suffix in (("save", ""), ("preview", "_preview"), ("publish", "_publish"))
    }


async def _editor(
    request: Request,
    event: Event,
    *,
    form: ReportForm | None = None,
    errors: dict[str, str] | None = None,
    refusal: ReportRefused | None = None,
    status_code: int = 200,
    block: str | None = None,
) -> Response:
    """The editor with `form` (the saved narrative by default) and its preview; with htmx and
    `block="report"`, only the preview."""
    report = await reporting.event_report(event)
    form = form or ReportForm.from_report(report, await reporting.report_funders(report))
    figures = await reporting.event_figures(event)
    try:
        on_cover = await reporting.cover_funders(event, form.funders)
    except ValidationFailed as failure:
        on_cover, errors = [], (errors or {}) | failure.errors
    preview = report_context(
        reporting.without_comments(figures),
        form.narrative,
        form.language,
        preview=True,
        funders=cover(on_cover, _organiser_logo_url(request)),
    )
    if block and request.headers.get("hx-request") == "true":
        # The preview is the report page's own block, so it is drawn exactly as published.
        return request.app.state.renderer.page(request, REPORT, preview, block=block)
    public_path = _public_path(request, report)
    context: dict[str, Any] = preview | {
        "organisation": request.state.organisation,
        "event": event,
        "form": form,
        "errors": errors or {},
        "refusal": refusal,
        "flash": pop_flash(request),
        "status": report.status if report else ReportStatus.DRAFT,
        "event_ended": reporting.has_ended(event),
        "public_path": public_path,
        "public_url": request.app.state.settings.base_url.rstrip("/") + public_path
        if public_path
        else "",
        "comments": figures.feedback.comments,
        "parts": PARTS,
        "language_options": [(code, lang.name) for code, lang in LANGUAGES.items()],
        "funder_options": [
            (str(funder.id), funder.name)
            for funder in await funders.organisation_funders(request.state.organisation)
        ],
        **_urls(request, event),
    }
    response = request.app.state.renderer.page(request, EDITOR, context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"  # the team's comments
    return response


def _public_path(request: Request, report: SynthesisReport | None) -> str:
    if report is None or report.status != ReportStatus.PUBLISHED or not report.public_token:
        return ""
    return request.url_for("report", token=report.public_token).path


def _to_editor(request: Request, event: Event, flash: str) -> Response:
    target = request.url_for(
        "manage:report", organisation=request.state.organisation.slug, event_id=event.id
    )
    return redirect_with_flash(request, target.path, flash)


@requires(ORGANISERS)
async def report(request: Request) -> Response:
    """GET: the editor and the preview. POST: save the narrative (303 back to the editor)."""
    event = await path_event(request)
    if request.method != "POST":
        return await _editor(request, event)
    form, _ = await _read_form(request)
    try:
        await reporting.save_narrative(event, form, by=signed_in_user(request))
    except ValidationFailed as failure:
        return await _editor(request, event, form=form, errors=failure.errors, status_code=422)
    return _to_editor(request, event, "saved")


@requires(ORGANISERS)
async def report_preview(request: Request) -> Response:
    """The report with the narrative as typed, not saved: with htmx only the report's block,
    without JavaScript (the Preview button) the whole editor."""
    event = await path_event(request)
    form, _ = await _read_form(request)
    if request.headers.get("hx-request") == "true":
        return await _editor(request, event, form=form, block="report")
    try:
        reporting.check_report_form(form)
    except ValidationFailed as failure:
        return await _editor(request, event, form=form, errors=failure.errors, status_code=422)
    return await _editor(request, event, form=form)


@requires(ORGANISERS)
async def report_publish(request: Request) -> Response:
    """POST `action=publish` (with the narrative fields, saved first) or `action=unpublish`."""
    event = await path_event(request)
    submitted, fields = await _read_form(request)
    user = signed_in_user(request)
    action = fields.get("action")
    if action == "unpublish":
        await reporting.unpublish_report(event, by=user)
        return _to_editor(request, event, "unpublished")
    if action != "publish":
        return await _editor(request, event, status_code=400)
    form = submitted if "language" in fields else None
    try:
        if form is not None:
            await reporting.save_narrative(event, form, by=user)
        await reporting.publish_report(event, by=user)
    except ValidationFailed as failure:
        return await _editor(request, event, form=form, errors=failure.errors, status_code=422)
    except ReportRefused as refusal:
        return await _editor(
            request, event, form=form, refusal=refusal, status_code=refusal.status_code
        )
    return _to_editor(request, event, "published")


@requires(ORGANISERS)
async def report_pdf(request: Request) -> Response:
    """The report as it would be published (comments left out), in `?language=`, whether or not it
    is published yet."""
    event = await path_event(request)
    language = pdf_language(request)
    figures: EventFigures = reporting.without_comments(
        await reporting.event_figures(event, language=language)
    )
    report = await reporting.event_report(event)
    funders = await reporting.report_funders(report)
    content = await run_in_threadpool(report_pdf_file(request, figures, report, funders, language))
    return download(content, pdf_filename(event.slug, language))


# --- the programme bulletin ---------------------------------------------------------------------


def _period_query(request: Request) -> tuple[str, str]:
    params = request.query_params
    return params.get("start", "")[:40], params.get("end", "")[:40]


def _bulletin_page(
    request: Request,
    *,
    start: str,
    end: str,
    figures: ProgrammeFigures | None,
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    organisation: Organisation = request.state.organisation
    query = f"start={figures.period_start}&end={figures.period_end}" if figures else ""
    context: dict[str, Any] = {
        "organisation": organisation,
        "start": start,
        "end": end,
        "figures": figures,
        "errors": errors,
        "query": query,
    }
    return request.app.state.renderer.page(request, BULLETIN, context, status_code=status_code)


async def _programme(request: Request) -> ProgrammeFigures:
    """The figures of the period in the query; raises ValidationFailed for bad dates."""
    start, end = reporting.bulletin_period(*_period_query(request))
    return await reporting.programme_figures(request.state.organisation, start, end)


@requires(ORGANISERS)
async def bulletin(request: Request) -> Response:
    """The bulletin of `?start=&end=` (ISO dates; the current semester by default); bad dates
    give the form back with the message next to the field (422)."""
    start, end = _period_query(request)
    try:
        figures = await _programme(request)
    except ValidationFailed as failure:
        return _bulletin_page(
            request, start=start, end=end, figures=None, errors=failure.errors, status_code=422
        )
    return _bulletin_page(
        request,
        start=start or figures.period_start.isoformat(),
        end=end or figures.period_end.isoformat(),
        figures=figures,
        errors={},
    )


async def _bulletin_file(request: Request, kind: str) -> Response:
    start, end = _period_query(request)
    try:
        figures = await _programme(request)
    except ValidationFailed as failure:
        return _bulletin_page(
            request, start=start, end=end, figures=None, errors=failure.errors, status_code=422
        )
    language = pdf_language(request)
    if kind == "pdf":
        content = await run_in_threadpool(pdf.bulletin_pdf, figures, language=language)
    else:
        content = await run_in_threadpool(spreadsheets.bulletin_xlsx, figures, language=language)
    stem = f"bulletin-{request.state.organisation.slug}-{figures.period_start}-{figures.period_end}"
    return download(content, f"{safe_name(stem, 'bulletin')}-{language}.{kind}")


@requires(ORGANISERS)
async def bulletin_pdf(request: Request) -> Response:
    """The bulletin of `?start=&end=` as a PDF in `?language=`."""
    return await _bulletin_file(request, "pdf")


@requires(ORGANISERS)
async def bulletin_xlsx(request: Request) -> Response:
    """The bulletin of `?start=&end=` as a spreadsheet, headers in `?language=`."""
    return await _bulletin_file(request, "xlsx")
