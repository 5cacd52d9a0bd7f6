"""What the tests share, written once. Import the helpers by name; the fixtures need no import.

- `roles`: the names of the `people` fixture's people (`PEOPLE`), the same with "anonymous"
  (`ROLES`, for permission matrices), and the team of Athens's private items (`TEAM`).
- `clients`: web and API clients of a person: `web_client`, `client_as` (by role, "anonymous"
  included), `api_client`, `bearer` (the Authorization header of a new token) and
  `authorization` (the header for a token's secret).
- `people` (a pytest plugin): a fixture per person of `people` (`officer`, `other_officer`,
  `mentor`, `other_mentor`, `facilitator`, `other_facilitator`, `coordinator`, `staff`,
  `nobody`), each a `Person` with `user`, `web` (logged in) and `api` (with a token).
- `plans` (a pytest plugin): the action plan fixtures `athens_assessment`, `plan` and
  `endorsed_plan`, and the helpers `assess_athens`, `athens_pairing`, `key_factor`,
  `add_actions`, `endorse`, `SIGNED_PDF`, `signed_pdf` and `docx_bytes`.
- `budgets`: query budgets: `count_queries(client, url)` and `assert_flat(small, large)`.
- `toolkits`: the toolkit files' folder (`TOOLKITS`) and `write`, a file in a test's folder.
- `pages`: using the pages as a person does: `form_on` (a page's form, to `submit` with what
  a person changes), `Choice` (by label), `link_on`, `has_link`, `text_of` and `row_of`.

The plugins are listed in tests/conftest.py's `pytest_plugins`, which also has pytest rewrite
this package's asserts.
"""
