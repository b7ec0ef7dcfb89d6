from tortoise import migrations
from tortoise.migrations import operations as ops
from server.models.enums import InterviewAudience, InterviewBookingStatus, InterviewOutcome
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_funders')]

    initial = False

    operations = [
        ops.CreateModel(
            name='InterviewQuota',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='interview_quotas', on_delete=OnDelete.CASCADE)),
                ('attendee', fields.ForeignKeyField('models.Attendee', source_field='attendee_id', db_index=True, db_constraint=True, to_field='id', related_name='interview_quotas', on_delete=OnDelete.CASCADE)),
                ('held', fields.SmallIntField(default=0)),
            ],
            options={'table': 'interview_quota', 'app': 'models', 'unique_together': (('event', 'attendee'),), 'pk_attr': 'id', 'table_description': 'How many interview places one person holds at one fair.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InterviewRules',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.OneToOneField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='interview_rules', on_delete=OnDelete.CASCADE)),
                ('bookings_per_person', fields.SmallIntField(default=3)),
                ('updated_by', fields.ForeignKeyField('models.User', source_field='updated_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'interview_rules', 'app': 'models', 'pk_attr': 'id', 'table_description': 'What a fair allows each person at its booths: how many interview places they may hold.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InterviewSchedule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('exhibitor', fields.ForeignKeyField('models.Exhibitor', source_field='exhibitor_id', db_constraint=True, to_field='id', related_name='interview_schedules', on_delete=OnDelete.CASCADE)),
                ('offer', fields.ForeignKeyField('models.Offer', source_field='offer_id', null=True, db_index=True, description='The offer the interviews are for, none for the booth in general', db_constraint=True, to_field='id', related_name='interview_schedules', on_delete=OnDelete.SET_NULL)),
                ('audience', fields.CharEnumField(description='INTERESTED: interested\nREGISTERED: registered\nINVITED: invited', enum_type=InterviewAudience, max_length=12)),
                ('length_minutes', fields.SmallIntField()),
                ('interviewers', fields.SmallIntField(description='Interviews held side by side in each slot')),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'interview_schedule', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A run of interview slots an employer opened at its booth in one go.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InterviewInvitation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('schedule', fields.ForeignKeyField('models.InterviewSchedule', source_field='schedule_id', db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.CASCADE)),
                ('attendee', fields.ForeignKeyField('models.Attendee', source_field='attendee_id', db_index=True, db_constraint=True, to_field='id', related_name='interview_invitations', on_delete=OnDelete.CASCADE)),
                ('invited_by', fields.ForeignKeyField('models.User', source_field='invited_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'interview_invitation', 'app': 'models', 'unique_together': (('schedule', 'attendee'),), 'pk_attr': 'id', 'table_description': "An employer's invitation to one of its candidates to book an invitation-only schedule."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InterviewSlot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('schedule', fields.ForeignKeyField('models.InterviewSchedule', source_field='schedule_id', db_index=True, db_constraint=True, to_field='id', related_name='slots', on_delete=OnDelete.CASCADE)),
                ('exhibitor', fields.ForeignKeyField('models.Exhibitor', source_field='exhibitor_id', db_constraint=True, to_field='id', related_name='interview_slots', on_delete=OnDelete.CASCADE)),
                ('event', fields.ForeignKeyField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='interview_slots', on_delete=OnDelete.CASCADE)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('places', fields.SmallIntField()),
                ('booked', fields.SmallIntField(default=0, description='Kept by one conditional UPDATE')),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'interview_slot', 'app': 'models', 'indexes': [Index(fields=['event_id', 'starts_at']), Index(fields=['exhibitor_id', 'starts_at'])], 'pk_attr': 'id', 'table_description': 'One interview time at one booth, with as many places as the schedule has interviewers.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InterviewBooking',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slot', fields.ForeignKeyField('models.InterviewSlot', source_field='slot_id', db_constraint=True, to_field='id', related_name='bookings', on_delete=OnDelete.CASCADE)),
                ('attendee', fields.ForeignKeyField('models.Attendee', source_field='attendee_id', db_constraint=True, to_field='id', related_name='interview_bookings', on_delete=OnDelete.CASCADE)),
                ('registration', fields.ForeignKeyField('models.Registration', source_field='registration_id', db_index=True, description="The person's registration for the fair", db_constraint=True, to_field='id', related_name='interview_bookings', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(default=InterviewBookingStatus.BOOKED, description='BOOKED: booked\nCANCELLED: cancelled', enum_type=InterviewBookingStatus, max_length=10)),
                ('booked_by', fields.ForeignKeyField('models.User', source_field='booked_by_id', null=True, description='The organiser who booked at the help desk, none when the person did', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('arrived_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('outcome', fields.CharEnumField(null=True, description='NO_SHOW: no_show\nINTERVIEWED: interviewed\nSHORTLISTED: shortlisted\nOFFER_MADE: offer_made\nHIRED: hired', enum_type=InterviewOutcome, max_length=12)),
                ('outcome_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('interest', fields.ForeignKeyField('models.Interest', source_field='interest_id', null=True, db_index=True, description='The candidacy the outcome moved', db_constraint=True, to_field='id', related_name='interview_bookings', on_delete=OnDelete.SET_NULL)),
                ('reminder_queued_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'interview_booking', 'app': 'models', 'indexes': [Index(fields=['attendee_id', 'status']), Index(fields=['slot_id', 'status'])], 'pk_attr': 'id', 'table_description': "A person's place in an interview slot, and what became of it."},
            bases=['Model'],
        ),
    ]
