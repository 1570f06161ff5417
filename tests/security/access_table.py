# ruff: noqa: E501  (a table reads best one row per line)
"""The access-control table: every route of the app × every role → the expected answer.

Codes: a number is the HTTP status (422: a roster preview listing problems); `L` is a redirect to the sign-in page; `R` is a redirect elsewhere.
Roles (columns, in this order): anonymous; mentee / mentor (pairing_a of program A); mentee2 / mentor2
(pairing_2, also program A: for them pairing_a's ids are "another mentor's" objects); coordinators of
program A (coordA without, coordA_demo with `view_demographics`) and of program B; an admin.
Each row: key, method, URL template, codes, and for some POSTs the form fields (a (file name, text) pair is an
uploaded file). The key is the Flask rule; extra rows for the same rule
(other objects, other filters) add `#label`. Templates are filled from the fixture world (world.py).
Rows run in this order in one session per role, so destructive ones (delete, erase, logout) come last.
"""

from __future__ import annotations

# fmt: off
ROWS = [
    # key, method, url, "anon mentee mentee2 mentor mentor2 coordA coordA_demo coordB admin"
    ("/", "GET", "/", "  L 200 200 200 200   R   R   R   R"),
    ("/static/<path:filename>", "GET", "/static/app.css", "200 200 200 200 200 200 200 200 200"),
    ("/bootstrap/static/<path:filename>", "GET", "/bootstrap/static/css/bootstrap.min.css", "200 200 200 200 200 200 200 200 200"),
    ("/auth/login", "GET", "/auth/login", "200   R   R   R   R   R   R   R   R"),
    # Institution sign-in: off (404) while OIDC_ISSUER is not set, as in this table's app (tests/sso run it).
    ("/auth/oidc/login", "GET", "/auth/oidc/login", "404 404 404 404 404 404 404 404 404"),
    ("/auth/oidc/callback", "GET", "/auth/oidc/callback?code=x&state=y", "404 404 404 404 404 404 404 404 404"),
    ("/auth/forgot", "GET", "/auth/forgot", "200 200 200 200 200 200 200 200 200"),
    ("/auth/password", "GET", "/auth/password", "  L 200 200 200 200 200 200 200 200"),
    ("/auth/password/<any(invite, reset):purpose>/<token>", "GET", "/auth/password/invite/{invite_token}", "200 200 200 200 200 200 200 200 200"),
    ("/admin/audit", "GET", "/admin/audit", "  L 403 403 403 403 403 403 403 200"),
    ("/admin/users", "GET", "/admin/users", "  L 403 403 403 403 403 403 403 200"),
    ("/admin/users/new", "GET", "/admin/users/new", "  L 403 403 403 403 403 403 403 200"),
    ("/admin/users/<int:user_id>", "GET", "/admin/users/{mentee_user}", "  L 403 403 403 403 403 403 403 200"),
    ("/dashboard/", "GET", "/dashboard/", "  L 403 403 403 403 200 200 200 200"),
    ("/dashboard/mentees", "GET", "/dashboard/mentees", "  L 403 403 403 403 200 200 200 200"),
    ("/dashboard/mentees#program-a", "GET", "/dashboard/mentees?program={prog_a}&with_mentor=1", "  L 403 403 403 403 200 200 403 200"),
    ("/dashboard/definitions", "GET", "/dashboard/definitions", "  L 403 403 403 403 200 200 200 200"),
    ("/dashboard/#program-a", "GET", "/dashboard/?program={prog_a}", "  L 403 403 403 403 200 200 403 200"),
    ("/dashboard/#program-b", "GET", "/dashboard/?program={prog_b}", "  L 403 403 403 403 403 403 200 200"),
    ("/dashboard/export/<any('engagement', 'inclusivity', 'annual-review'):report>", "GET",
     "/dashboard/export/engagement", "  L 403 403 403 403 200 200 200 200"),
    ("/dashboard/export/<report>#inclusivity-a", "GET", "/dashboard/export/inclusivity?program={prog_a}", "  L 403 403 403 403 200 200 403 200"),
    ("/dashboard/export/<report>#review-b", "GET", "/dashboard/export/annual-review?program={prog_b}", "  L 403 403 403 403 403 403 200 200"),
    ("/dashboard/exports/<int:job_id>", "GET", "/dashboard/exports/{export_a}", "  L 403 403 403 403 200 404 404 404"),
    ("/dashboard/exports/<int:job_id>/file", "GET", "/dashboard/exports/{export_a}/file", "  L 403 403 403 403 200 404 404 404"),
    ("/matching/", "GET", "/matching/", "  L 403 403 403 403 200 200 200 200"),
    ("/matching/run", "GET", "/matching/run", "  L 403 403 403 403   R   R   R   R"),
    # Saved runs: coordinators of the run's programs; one scored with self-identification only for those who may see it.
    ("/matching/runs/<int:run_id>", "GET", "/matching/runs/{run_a}", "  L 403 403 403 403 200 200 404 200"),
    ("/matching/runs/<int:run_id>#b", "GET", "/matching/runs/{run_b}", "  L 403 403 403 403 404 404 200 200"),
    ("/matching/runs/<int:run_id>#demo", "GET", "/matching/runs/{run_demo}", "  L 403 403 403 403 403 200 404 200"),
    ("/matching/runs/<int:run_id>#admin", "GET", "/matching/runs/{run_admin}", "  L 403 403 403 403 404 404 404 200"),
    ("/meetings/pairing/<int:pairing_id>", "GET", "/meetings/pairing/{pairing_a}", "  L 200 404 200 404 200 200 404 200"),
    ("/meetings/pairing/<int:pairing_id>#b", "GET", "/meetings/pairing/{pairing_b}", "  L 404 404 404 404 404 404 200 200"),
    ("/meetings/pairing/<int:pairing_id>/new", "GET", "/meetings/pairing/{pairing_a}/new", "  L 200 404 200 404 200 200 404 200"),
    ("/meetings/pairing/<int:pairing_id>/new#b", "GET", "/meetings/pairing/{pairing_b}/new", "  L 404 404 404 404 404 404 200 200"),
    ("/meetings/<int:meeting_id>/edit", "GET", "/meetings/{meeting_a}/edit", "  L 403 404 200 404 403 403 404 403"),
    ("/meetings/<int:meeting_id>/edit#2", "GET", "/meetings/{meeting_2}/edit", "  L 404 403 404 200 403 403 404 403"),
    ("/meetings/quick/<token>", "GET", "/meetings/quick/{log_token}", "200 200 200 200 200 200 200 200 200"),
    ("/meetings/quick/<token>#forged", "GET", "/meetings/quick/{log_token}x", "400 400 400 400 400 400 400 400 400"),
    ("/meetings/quick/<token>/done", "GET", "/meetings/quick/{log_token}/done", "  R   R   R   R   R   R   R   R   R"),
    ("/meetings/quick/<token>/done#forged", "GET", "/meetings/quick/{log_token}x/done", "400 400 400 400 400 400 400 400 400"),
    ("/pairings/", "GET", "/pairings/", "  L 403 403 403 403 200 200 200 200"),
    ("/pairings/export.xlsx", "GET", "/pairings/export.xlsx?year=2024&program={prog_a}", "  L 403 403 403 403 200 200 403 200"),
    ("/pairings/export.xlsx#all", "GET", "/pairings/export.xlsx?year=2024", "  L 403 403 403 403 200 200 200 200"),
    ("/pairings/#year-a", "GET", "/pairings/?year=2024&program={prog_a}&status=behind", "  L 403 403 403 403 200 200 403 200"),
    ("/pairings/#year-b", "GET", "/pairings/?year=2024&program={prog_b}", "  L 403 403 403 403 403 403 200 200"),
    ("/pairings/#person-b", "GET", "/pairings/?person={mentee_b_person}", "  L 403 403 403 403 404 404 200 200"),
    ("/pairings/<int:pairing_id>", "GET", "/pairings/{pairing_a}", "  L 200 404 200 404 200 200 404 200"),
    ("/pairings/<int:pairing_id>#b", "GET", "/pairings/{pairing_b}", "  L 404 404 404 404 404 404 200 200"),
    ("/pairings/new", "GET", "/pairings/new?mentee={mentee_a_person}", "  L 403 403 403 403 200 200 404 200"),
    ("/pairings/new#b", "GET", "/pairings/new?mentee={mentee_b_person}", "  L 403 403 403 403 404 404 200 200"),
    ("/people/mentees", "GET", "/people/mentees", "  L 403 403 403 403 200 200 200 200"),
    ("/people/mentors", "GET", "/people/mentors", "  L 403 403 403 403 200 200 200 200"),
    ("/people/mentees/new", "GET", "/people/mentees/new", "  L 403 403 403 403 200 200 200 200"),
    ("/people/mentors/new", "GET", "/people/mentors/new", "  L 403 403 403 403 200 200 200 200"),
    ("/people/<int:person_id>", "GET", "/people/{mentee_a_person}", "  L 200 403 200 403 200 200 403 200"),
    ("/people/<int:person_id>#mentor-a", "GET", "/people/{mentor_a_person}", "  L 200 403 200 403 200 200 403 200"),
    ("/people/<int:person_id>#mentee-2", "GET", "/people/{mentee_2_person}", "  L 403 200 403 200 200 200 403 200"),
    ("/people/<int:person_id>#mentee-b", "GET", "/people/{mentee_b_person}", "  L 403 403 403 403 403 403 200 200"),
    ("/people/<int:person_id>/<any(mentor, mentee):role>/edit", "GET", "/people/{mentee_a_person}/mentee/edit", "  L 403 403 403 403 200 200 403 200"),
    ("/people/<int:person_id>/<role>/edit#mentee-b", "GET", "/people/{mentee_b_person}/mentee/edit", "  L 403 403 403 403 403 403 200 200"),
    ("/people/<int:person_id>/<role>/edit#mentor-a", "GET", "/people/{mentor_a_person}/mentor/edit", "  L 403 403 403 403 200 200 403 200"),
    ("/people/<int:person_id>/<role>/edit#mentor-b", "GET", "/people/{mentor_b_person}/mentor/edit", "  L 403 403 403 403 403 403 200 200"),
    ("/people/<int:person_id>/export.json", "GET", "/people/{mentee_a_person}/export.json", "  L 403 403 403 403 403 403 403 200"),
    # Plans: the mentee and current mentors work on it; coordA_demo holds view_plans (reads goals), coordA and the admin do not (status only).
    ("/plans/mentee/<int:mentee_id>", "GET", "/plans/mentee/{mentee_a}", "  L 200 404 200 404 200 200 404 200"),
    ("/plans/mentee/<int:mentee_id>#b", "GET", "/plans/mentee/{mentee_b}?year=2024", "  L 404 404 404 404 404 404 200 200"),
    ("/plans/mentee/<int:mentee_id>#bad-year", "GET", "/plans/mentee/{mentee_a}?year=x", "  L 400 404 400 404 400 400 404 400"),
    ("/plans/mentee/<int:mentee_id>/print", "GET", "/plans/mentee/{mentee_a}/print", "  L 200 404 200 404 403 200 404 403"),
    ("/plans/goals/<int:goal_id>/edit", "GET", "/plans/goals/{goal_a}/edit", "  L 200 404 403 403 403 403 403 403"),
    ("/plans/templates", "GET", "/plans/templates", "  L 403 403 403 403 200 200 200 200"),
    ("/profile/", "GET", "/profile/", "  L 200 200 200 200 403 403 403 403"),
    ("/profile/mentee", "GET", "/profile/mentee", "  L 200 200 403 403 403 403 403 403"),
    ("/profile/mentor", "GET", "/profile/mentor", "  L 403 403 200 200 403 403 403 403"),
    ("/profile/self-identification", "GET", "/profile/self-identification", "  L 200 200 200 200 403 403 403 403"),
    ("/profile/export.json", "GET", "/profile/export.json", "  L 200 200 200 200 200 200 200 200"),
    ("/profile/tokens", "GET", "/profile/tokens", "  L 200 200 200 200 200 200 200 200"),
    # The JSON API, played with each role's bearer token (anonymous: none); its 401 is a problem document.
    ("/api/v1/openapi.json", "GET", "/api/v1/openapi.json", "200 200 200 200 200 200 200 200 200"),
    ("/api/v1/me", "GET", "/api/v1/me", "401 200 200 200 200 200 200 200 200"),
    ("/api/v1/people", "GET", "/api/v1/people?role=mentee", "401 403 403 403 403 200 200 200 200"),
    ("/api/v1/people#program-b", "GET", "/api/v1/people?role=mentor&program={prog_b}", "401 403 403 403 403 403 403 200 200"),
    ("/api/v1/pairings", "GET", "/api/v1/pairings", "401 200 200 200 200 200 200 200 200"),
    ("/api/v1/pairings#program-b", "GET", "/api/v1/pairings?program={prog_b}", "401 200 200 200 200 403 403 200 200"),
    ("/api/v1/pairings/<int:pairing_id>", "GET", "/api/v1/pairings/{pairing_a}", "401 200 404 200 404 200 200 404 200"),
    ("/api/v1/pairings/<int:pairing_id>#b", "GET", "/api/v1/pairings/{pairing_b}", "401 404 404 404 404 404 404 200 200"),
    ("/api/v1/pairings/<int:pairing_id>/meetings", "GET", "/api/v1/pairings/{pairing_a}/meetings", "401 200 404 200 404 200 200 404 200"),
    ("/api/v1/pairings/<int:pairing_id>/meetings#b", "GET", "/api/v1/pairings/{pairing_b}/meetings", "401 404 404 404 404 404 404 200 200"),
    ("/api/v1/events", "GET", "/api/v1/events", "401 200 200 200 200 200 200 200 200"),
    ("/api/v1/metrics/summary", "GET", "/api/v1/metrics/summary", "401 403 403 403 403 200 200 200 200"),
    ("/api/v1/metrics/summary#program-b", "GET", "/api/v1/metrics/summary?program={prog_b}", "401 403 403 403 403 403 403 200 200"),
    ("/programs/", "GET", "/programs/", "  L 403 403 403 403 403 403 403 200"),
    ("/programs/new", "GET", "/programs/new", "  L 403 403 403 403 403 403 403 200"),
    ("/programs/<int:program_id>/edit", "GET", "/programs/{prog_a}/edit", "  L 403 403 403 403 403 403 403 200"),
    ("/reminders/attention", "GET", "/reminders/attention", "  L 403 403 403 403 200 200 200 200"),
    ("/roster/", "GET", "/roster/", "  L 403 403 403 403 200 200 200 200"),
    ("/roster/preview", "GET", "/roster/preview", "  L 403 403 403 403   R   R   R   R"),
    ("/roster/result", "GET", "/roster/result", "  L 403 403 403 403   R   R   R   R"),
    ("/roster/template.xlsx", "GET", "/roster/template.xlsx", "  L 403 403 403 403 200 200 200 200"),
    # POST-only routes, with a valid CSRF token and no other fields (an allowed user gets the form's
    # own refusal or the action; a refused one must change nothing).
    ("/matching/run", "POST", "/matching/run", "  L 403 403 403 403 400 400 400 400"),
    # Without Redis no workbook is a job: the button's POST goes back to the download.
    ("/dashboard/export/<any('engagement', 'inclusivity', 'annual-review'):report>/job", "POST", "/dashboard/export/engagement/job", "  L 403 403 403 403   R   R   R   R"),
    ("/dashboard/export/<report>/job#b", "POST", "/dashboard/export/inclusivity/job?program={prog_b}", "  L 403 403 403 403 403 403   R   R"),
    ("/matching/run#b", "POST", "/matching/run", "  L 403 403 403 403 404 404   R   R", {"program": "{prog_b}", "kind": "career", "year": "2025"}),
    # Saving a draft without rows changes nothing and redirects; applying one without a mentor is refused.
    ("/matching/runs/<int:run_id>#save", "POST", "/matching/runs/{run_a}", "  L 403 403 403 403   R   R 404   R"),
    ("/matching/runs/<int:run_id>#apply-b", "POST", "/matching/runs/{run_b}", "  L 403 403 403 403 404 404 400 400", {"apply": "1"}),
    ("/matching/runs/<int:run_id>#apply-demo", "POST", "/matching/runs/{run_demo}", "  L 403 403 403 403 403 400 404 400", {"apply": "1"}),
    ("/meetings/pairing/<int:pairing_id>/pulse", "POST", "/meetings/pairing/{pairing_a}/pulse", "  L   R 404   R 404 403 403 403 403"),
    ("/meetings/<int:meeting_id>/<any(confirm, dispute):answer>", "POST", "/meetings/{meeting_a}/confirm", "  L   R 404   R 404 403 403 403 403"),
    ("/meetings/<int:meeting_id>/<answer>#2", "POST", "/meetings/{meeting_2}/dispute", "  L 404   R 404   R 403 403 403 403"),
    ("/plans/mentee/<int:mentee_id>/open", "POST", "/plans/mentee/{mentee_a}/open", "  L   R 404   R 404 403 403 403 403"),
    ("/plans/mentee/<int:mentee_id>/goals", "POST", "/plans/mentee/{mentee_a}/goals", "  L   R 404 403 403 403 403 403 403"),
    ("/plans/goals/<int:goal_id>/comment", "POST", "/plans/goals/{goal_a}/comment", "  L 403 403   R 404 403 403 403 403"),
    ("/plans/mentee/<int:mentee_id>/review", "POST", "/plans/mentee/{mentee_a}/review", "  L   R 404   R 404 403 403 403 403"),
    ("/plans/templates#post", "POST", "/plans/templates", "  L 403 403 403 403 200 200 200 200"),
    # The API's write: a meeting without a date is refused (422) by whoever may log one, 404 for the rest.
    ("/api/v1/pairings/<int:pairing_id>/meetings#post", "POST", "/api/v1/pairings/{pairing_a}/meetings", "401 422 404 422 404 422 422 404 422", {"modality": "video"}),
    ("/api/v1/pairings/<int:pairing_id>/meetings#post-b", "POST", "/api/v1/pairings/{pairing_b}/meetings", "401 404 404 404 404 404 404 422 422", {"modality": "video"}),
    # Tokens: making one with no name is refused on the form; only the owner revokes theirs.
    ("/profile/tokens#create", "POST", "/profile/tokens", "  L 200 200 200 200 200 200 200 200"),
    ("/profile/tokens/<int:token_id>/revoke", "POST", "/profile/tokens/{mentor_api_token}/revoke", "  L 404 404   R 404 404 404 404 404"),
    ("/pairings/<int:pairing_id>/end", "POST", "/pairings/{pairing_a}/end", "  L 403 403 403 403 400 400 404 400"),
    ("/pairings/<int:pairing_id>/end#b", "POST", "/pairings/{pairing_b}/end", "  L 403 403 403 403 404 404 400 400"),
    ("/pairings/<int:pairing_id>/introduction", "POST", "/pairings/{pairing_a}/introduction", "  L 403 403 403 403   R   R 404   R"),
    ("/pairings/<int:pairing_id>/introduction#b", "POST", "/pairings/{pairing_b}/introduction", "  L 403 403 403 403 404 404   R   R"),
    ("/pairings/<int:pairing_id>/links/revoke", "POST", "/pairings/{pairing_a}/links/revoke", "  L 403 403 403 403   R   R 404   R"),
    ("/pairings/<int:pairing_id>/links/revoke#b", "POST", "/pairings/{pairing_b}/links/revoke", "  L 403 403 403 403 404 404   R   R"),
    # Invitations: a coordinator only for someone of their programs who has never signed in and holds no staff role.
    ("/people/invite", "POST", "/people/invite", "  L 403 403 403 403   R   R   R   R"),
    ("/people/<int:person_id>/invite", "POST", "/people/{mentee_a_person}/invite", "  L 403 403 403 403 403 403 403   R"),
    ("/people/<int:person_id>/invite#b", "POST", "/people/{mentee_b_person}/invite", "  L 403 403 403 403 403 403 403   R"),
    ("/people/<int:person_id>/invite#newcomer", "POST", "/people/{newcomer_person}/invite", "  L 403 403 403 403   R   R 403   R"),
    ("/people/<int:person_id>/invite#admin", "POST", "/people/{admin_person}/invite", "  L 403 403 403 403 403 403 403   R"),
    ("/people/<int:person_id>/<any(mentor, mentee):role>/leave", "POST", "/people/{mentee_a_person}/mentee/leave", "  L 403 403 403 403   R   R 403   R"),
    ("/people/<int:person_id>/<role>/leave#b", "POST", "/people/{mentee_b_person}/mentee/leave", "  L 403 403 403 403 403 403   R   R"),
    ("/reminders/pairing/<int:pairing_id>/remind", "POST", "/reminders/pairing/{pairing_a}/remind", "  L 403 403 403 403   R   R 404   R"),
    ("/reminders/pairing/<int:pairing_id>/remind#b", "POST", "/reminders/pairing/{pairing_b}/remind", "  L 403 403 403 403 404 404   R   R"),
    ("/reminders/pairing/<int:pairing_id>/resolve", "POST", "/reminders/pairing/{pairing_a}/resolve", "  L 403 403 403 403   R   R 404   R"),
    ("/reminders/pairing/<int:pairing_id>/resolve#b", "POST", "/reminders/pairing/{pairing_b}/resolve", "  L 403 403 403 403 404 404   R   R"),
    ("/roster/cancel", "POST", "/roster/cancel", "  L 403 403 403 403   R   R   R   R"),
    ("/roster/confirm", "POST", "/roster/confirm", "  L 403 403 403 403   R   R   R   R"),
    # Import scope: an upload is kept (R), and its preview refuses (422) every row about someone outside scope.
    ("/roster/#admin-as-mentor", "POST", "/roster/", "  L 403 403 403 403   R   R   R   R",
     {"files": ("mentors.csv", "email,first_name,last_name,program\nadmin@example.org,Ada,Admin,Program A\n")}),
    ("/roster/preview#admin-as-mentor", "GET", "/roster/preview", "  L 403 403 403 403 422 422 422 200"),
    ("/roster/#rename-mentee-b", "POST", "/roster/", "  L 403 403 403 403   R   R   R   R",
     {"files": ("mentees.csv", "email,first_name,last_name,program,pgy\nmentee-b@example.org,Mentee,Renamed,Program B,1\n")}),
    ("/roster/preview#rename-mentee-b", "GET", "/roster/preview", "  L 403 403 403 403 422 422 200 200"),
    ("/roster/#pair-across", "POST", "/roster/", "  L 403 403 403 403   R   R   R   R",
     {"files": ("pairings.csv", "mentor_email,mentee_email,start_date,kind\nmentor-b@example.org,mentee-a@example.org,2025-07-01,research\n")}),
    ("/roster/preview#pair-across", "GET", "/roster/preview", "  L 403 403 403 403 422 422 422 200"),
    # Sign-in emails: a coordinator may correct only a never-signed-in newcomer's; an admin anyone's.
    ("/people/<int:person_id>/<role>/edit#mentee-email-signed-in", "POST", "/people/{mentee_a_person}/mentee/edit", "  L 403 403 403 403 403 403 403   R",
     {"email": "taken-over@example.org", "first_name": "Mentee", "last_name": "MenteeA", "program_id": "{prog_a}", "pgy": "1"}),
    ("/people/<int:person_id>/<role>/edit#mentor-email-signed-in", "POST", "/people/{mentor_a_person}/mentor/edit", "  L 403 403 403 403 403 403 403   R",
     {"email": "taken-over-too@example.org", "first_name": "Mentor", "last_name": "MentorA", "mentor_type": "faculty", "program_id": "{prog_a}", "capacity": "3"}),
    ("/people/<int:person_id>/<role>/edit#mentee-email-newcomer", "POST", "/people/{newcomer_person}/mentee/edit", "  L 403 403 403 403   R   R 403   R",
     {"email": "nia.newcomer@example.org", "first_name": "Nia", "last_name": "Newcomer", "program_id": "{prog_a}", "pgy": "1"}),
    ("/plans/templates/<int:template_id>/delete", "POST", "/plans/templates/{template_a}/delete", "  L 403 403 403 403   R   R 404   R"),
    ("/plans/templates/<int:template_id>/delete#b", "POST", "/plans/templates/{template_b}/delete", "  L 403 403 403 403 404 404   R   R"),
    ("/meetings/<int:meeting_id>/delete#2", "POST", "/meetings/{meeting_2}/delete", "  L 404 403 404   R 403 403 404 403"),
    ("/meetings/<int:meeting_id>/delete", "POST", "/meetings/{meeting_a}/delete", "  L 403 404   R 404 403 403 404 403"),
    ("/people/<int:person_id>/erase", "POST", "/people/{mentee_a_person}/erase", "  L 403 403 403 403 403 403 403   R"),
    ("/auth/logout", "POST", "/auth/logout", "  L   L   L   L   L   L   L   L   L"),
]
# fmt: on


def rule_of(key: str) -> str:
    """The Flask rule a row covers (the key without its #label)."""
    return key.split("#", 1)[0]
