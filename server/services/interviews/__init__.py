"""Interviews at a job fair's booths (issue 16).

An employer with a confirmed booth opens interview slots (`slots`), for one of its offers or for
the booth in general, open to an audience (`audience`): those who showed interest, anyone
registered for the fair, or the candidates it invites (`invitations`). People book, move and
cancel places from their personal link, organisers at the help desk (`booking`: the race-safe
verbs, within the fair's limit per person, `rules`). At the booth the badge scan marks the person
arrived and the employer records the outcome, which moves the candidate in the offer's pipeline
(`at_booth`). Organisers read the fair's grid and export the schedule (`grid`); the synthesis
report counts interviews (`figures`); the personal page and the badge name each interview
(`personal`). What a person may book is read by `availability`.
"""
