import rules

from practice.rules import is_instructor, is_member, is_owner

is_teacher = is_owner | is_instructor

# Assistants see names, contact and schedule, and print; never precautions, triggers, notes or
# consent details.
rules.add_rule("clients.view", is_member)
rules.add_rule("clients.view_sensitive", is_teacher)
rules.add_rule("clients.edit", is_teacher)
rules.add_rule("clients.export", is_teacher)
rules.add_rule("clients.erase", is_owner)
rules.add_rule("clients.export_studio", is_owner)
rules.add_rule("consent.manage_text", is_owner)
rules.add_rule("audit.view", is_owner)

# Sessions: assistants see and plan them (names, times, places); check-ins, session notes,
# home practice and progress charts are for the people who teach. Calendar links likewise.
rules.add_rule("sessions.view", is_member)
rules.add_rule("sessions.plan", is_member)
rules.add_rule("sessions.record", is_teacher)
rules.add_rule("sessions.calendar", is_teacher)
