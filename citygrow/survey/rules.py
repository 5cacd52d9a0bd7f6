"""Who may see and load Charter questionnaires.

Every edition is public: the questionnaire is what signatory cities are asked, and its source
is credited on every page. Coordinators (and superusers) load a new edition from a file, on the
pages or through the API; staff also load them with `load_questionnaire`.
"""

import rules

from citygrow.people.rules import is_coordinator_or_superuser

rules.add_perm("survey.view_questionnaire", rules.always_allow)
rules.add_perm("survey.add_questionnaire", is_coordinator_or_superuser)
