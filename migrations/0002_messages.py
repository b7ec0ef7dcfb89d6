from tortoise import migrations
from tortoise.migrations import operations as ops
from server.models.enums import Channel, EventStatus, MessageKind, OutboxStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class AlterEnumDescription(ops.AlterField):
    """A CharEnumField whose enum gained a value: only the field's description (its list of
    values) changes, which PostgreSQL keeps as the column's comment and SQLite does not keep at
    all. On SQLite Tortoise would rebuild the whole table for it, and the rebuilt table loses
    its indexes: there the migration state moves and the table stays as it is."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if state_editor is not None and state_editor.DIALECT == "sqlite":
            return
        await super().database_forward(app_label, old_state, new_state, state_editor)

    async def database_backward(self, app_label, old_state, new_state, state_editor=None):
        if state_editor is not None and state_editor.DIALECT == "sqlite":
            return
        await super().database_backward(app_label, old_state, new_state, state_editor)


class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Attendee',
            name='message_channel',
            field=fields.CharEnumField(default=Channel.SMS, description='How the person wants our texts: SMS, WhatsApp, or e-mail only', enum_type=Channel, max_length=10),
        ),
        ops.AddField(
            model_name='Attendee',
            name='messages_stopped_at',
            field=fields.DatetimeField(null=True, description='Set when the person stopped our messages (page or STOP reply)', auto_now=False, auto_now_add=False),
        ),
        AlterEnumDescription(
            model_name='Event',
            name='status',
            field=fields.CharEnumField(default=EventStatus.DRAFT, description='DRAFT: draft\nPUBLISHED: published\nCLOSED: closed\nCANCELLED: cancelled\nARCHIVED: archived', enum_type=EventStatus, max_length=12),
        ),
        AlterEnumDescription(
            model_name='OutboxMessage',
            name='status',
            field=fields.CharEnumField(default=OutboxStatus.PENDING, description='PENDING: pending\nSENT: sent\nFAILED: failed\nSTOPPED: stopped', enum_type=OutboxStatus, max_length=8),
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='event',
            field=fields.ForeignKeyField('models.Event', source_field='event_id', null=True, description='The event the message is about, for its delivery status', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='kind',
            field=fields.CharEnumField(null=True, description='CONFIRMATION: confirmation\nPROMOTION: promotion\nREMINDER: reminder\nEVENT_CHANGED: event_changed\nEVENT_CANCELLED: event_cancelled\nPERSONAL_LINK: personal_link\nINVITATION: invitation\nINTERVIEW: interview', enum_type=MessageKind, max_length=16),
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='sent_by',
            field=fields.ForeignKeyField('models.User', source_field='sent_by_id', null=True, description='The organiser who sent it by hand, when no provider did', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.AddIndex(
            model_name='OutboxMessage',
            index=Index(fields=['event_id', 'status']),
        ),
    ]
