from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_messages')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Funder',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='funders', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=200)),
                ('logo_path', fields.CharField(default='', description="File name in the data directory's funder logos", max_length=300)),
                ('statement', fields.JSONField(default=dict, description='Language code to funding statement, French always given', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'funder', 'app': 'models', 'pk_attr': 'id', 'table_description': "A donor that pays for an organisation's work, such as the European Union or Enabel."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReportFunder',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('report', fields.ForeignKeyField('models.SynthesisReport', source_field='report_id', db_constraint=True, to_field='id', related_name='funders', on_delete=OnDelete.CASCADE)),
                ('funder', fields.ForeignKeyField('models.Funder', source_field='funder_id', db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.CASCADE)),
                ('position', fields.SmallIntField(default=0)),
            ],
            options={'table': 'report_funder', 'app': 'models', 'unique_together': (('report', 'funder'),), 'pk_attr': 'id', 'table_description': "A funder named on the cover of an event's synthesis report, in the organisers' order."},
            bases=['Model'],
        ),
    ]
