import rules

from practice.rules import is_instructor, is_member, is_owner

# Everyone in the studio may read the library and routines (assistants print handouts);
# owners and instructors build them.
rules.add_rule("poses.view", is_member)
rules.add_rule("poses.manage", is_owner | is_instructor)
rules.add_rule("routines.view", is_member)
rules.add_rule("routines.edit", is_owner | is_instructor)

# Assistants print handouts and consent forms; the teacher sheet holds sensitive notes.
rules.add_rule("handouts.print", is_member)
rules.add_rule("handouts.print_teacher_sheet", is_owner | is_instructor)
rules.add_rule("handouts.settings", is_owner)

# A practice link puts a routine on a public URL: the teachers decide, not the front desk.
rules.add_rule("practice_links.manage", is_owner | is_instructor)
