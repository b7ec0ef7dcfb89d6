"""The organisers' exports: a page listing them, and each as a CSV or XLSX file.

Personal data: organisers only, no copy kept by the browser or a proxy. An event of another
organisation, an unknown dataset or format answers 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from server.documents import tables as exports
from server.errors import NotFound
from server.i18n import current_language, gettext, lazy
from server.services.reporting import exports as export_service
from server.services.reporting.exports import DATASETS, FORMATS
from server.values.clock import today_in_morocco
from server.values.numbers import parse_count
from server.web.downloads import download, safe_name
from server.web.policies import ORGANISERS, requires

EXPORTS = "pages/manage/exports.html"


def _event_id(request: Request) -> int | None:
    """The `?event=` filter: None when absent or empty, 404 when it names no event."""
    text = request.query_params.get("event", "").strip()
    if not text:
        return None
    event_id = parse_count(text)
    if event_id is None:
        raise NotFound(lazy("This event does not exist."))
    return event_id


@requires(ORGANISERS)
async def exports_page(request: Request) -> Response:
    """The four exports, each as CSV and XLSX, for every event or the one chosen."""
    organisation = request.state.organisation
    overview = await export_service.exports_overview(organisation, _event_id(request))
    query = f"?{urlencode({'event': overview.event.id})}" if overview.event else ""
    datasets = [
        {
            "key": key,
            "title": gettext(title),
            "links": {
                fmt: request.url_for(
                    "manage:export", organisation=organisation.slug, dataset=key, format=fmt
                ).path
                + query
                for fmt in FORMATS
            },
        }
        for key, title in DATASETS.items()
    ]
    context = {
        "organisation": organisation,
        "events": overview.events,
        "chosen": overview.event,
        "datasets": datasets,
        "here": request.url_for("manage:exports", organisation=organisation.slug).path,
    }
    return request.app.state.renderer.page(request, EXPORTS, context)


@requires(ORGANISERS)
async def export(request: Request) -> Response:
    """One dataset as a file, with its headers in the organiser's language."""
    organisation = request.state.organisation
    dataset, fmt = request.path_params["dataset"], request.path_params["format"]
    if fmt not in FORMATS:
        raise NotFound(lazy("This page does not exist or has moved."))
    event_id = _event_id(request)
    table = await export_service.export_table(organisation, dataset, event_id=event_id)
    if fmt == "csv":
        content = exports.csv_bytes(table.headers, table.rows)  # type: ignore[arg-type]
    else:
        content = exports.xlsx_bytes(
            table.headers,
            table.rows,  # type: ignore[arg-type]
            sheet_title=table.title,
            right_to_left=current_language().direction == "rtl",
        )
    # e.g. passerelles-registrations-event12-20260315.csv: the organisation, what, which, when.
    which = f"-event{event_id}" if event_id is not None else ""
    day = today_in_morocco().strftime("%Y%m%d")
    filename = f"{safe_name(organisation.slug, str(organisation.id))}-{dataset}{which}-{day}.{fmt}"
    return download(content, filename)
