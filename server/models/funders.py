"""Who pays for the work, and where publications must say so."""

from tortoise import fields
from tortoise.models import Model


class Funder(Model):
    """A donor that pays for an organisation's work, such as the European Union or Enabel.

    It comes with what its visibility rules ask of every publication it pays for: its logo and
    a funding statement ("This publication was produced with the financial support of…").

    An organisation keeps its own list; a report names some of them on its cover
    (`ReportFunder`), and a programme can name its funders from the same list.
    """

    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="funders", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    logo_path = fields.CharField(
        max_length=300, default="", description="File name in the data directory's funder logos"
    )
    statement = fields.JSONField(
        default=dict, description="Language code to funding statement, French always given"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "funder"

    def __str__(self) -> str:
        return self.name


class ReportFunder(Model):
    """A funder named on the cover of an event's synthesis report, in the organisers' order."""

    id = fields.IntField(primary_key=True)
    report = fields.ForeignKeyField(
        "models.SynthesisReport", related_name="funders", on_delete=fields.CASCADE
    )
    funder = fields.ForeignKeyField(
        "models.Funder", related_name="reports", on_delete=fields.CASCADE
    )
    position = fields.SmallIntField(default=0)

    class Meta:
        table = "report_funder"
        unique_together = (("report", "funder"),)
