"""Scoring core: store, import and 初审, assignment, reviews, ranking, export. No streamlit here.

Every service/selector takes an `Actor` first and an optional `db=` (a DuckDB file; default from
`scoring.db.configure(path)`, env SCORING_DB, else data/scoring.duckdb). Errors are
`scoring.errors.PermissionDenied` / `ValidationError` (subclass `NotFound`) with Chinese messages;
rubric/rules files raise `checks.errors.RulesError` naming file and line. Results are plain dicts,
lists of dicts, or pandas DataFrames. Importing this package is cheap (nothing is loaded here).

    from scoring.permissions import Actor              # Actor(username, role='admin'|'reviewer')
    from scoring import db; db.configure("data/scoring.duckdb")

Admin (role 'admin'):
    importer.import_dump(actor, path, *, metadata_csv=None, awarded_csv=None, progress=None) -> dict
        summary of this batch {packages, new, unchanged, updated, locked, precheck_failed, excluded, flagged,
        errors, works} + totals {works, precheck_failed, excluded, flagged} of the whole database
        progress(done, total, message_zh)
    duplicates.candidates(actor) -> [{pair, works, same_files, similarity, reason, decision}]  一稿多投 pairs
    duplicates.decide(actor, work_a, work_b, exclude=[ids], note='')   keep both / exclude one / both
    works.set_precheck(actor, work_id, 'pass'|'fail'|'pending', note)  初审 override (reason required)
    audit.search(actor, *, who=None, action=None (or prefix), work_id=None, since=None, until=None, text=None)
    audit.export_xlsx(actor, rows, path)  ; audit.record(cur, actor, action, target, before, after, work_id=)
        inside a service's write unit (same transaction); audit.log(...) for events outside DuckDB
    logins.authenticate(username, password, address, verify) -> bool  (raises logins.LoginRefused while
        throttled/locked; settings login_delay_after, login_lock_after, login_lock_minutes)
    logins.locks(actor) ; logins.unlock(actor, key)
    reviewers.import_reviewers_csv(actor, path_or_text) -> int
    reviewers.upsert_reviewers(actor, [dict(username, name, school, district, projects, stages, cap)]) -> int
    reviewers.set_active(actor, username, active) ; reviewers.list_reviewers(actor) -> [dict (+load, submitted)]
    assignment.auto_assign(actor, *, seed=0) -> {"assigned": int, "uncovered": [{work_id, title, project,
        stage, needed, assigned, reason}]}
    assignment.assign(actor, work_id, reviewer) -> {work_id, reviewer, warnings: [str]}
    assignment.unassign(actor, work_id, reviewer, *, discard_review=False)
    reviews.reopen_review(actor, work_id, reviewer, reason)
    works.add_work(actor, *, project, stage, title, school='', district='', authors=None, subtype=None, ...) -> id
    works.set_excluded(actor, work_id, excluded, note='')
    settings.get_settings(actor) -> dict ; settings.update_settings(actor, {key: value}) -> dict
        keys: aggregation (mean|median|trimmed_mean|normalized), award_ratios {name: ratio} best first,
        reviewers_per_work, spread_threshold, trimmed_mean_min, duplicate_text_threshold, awarded_titles
    selectors.list_works(actor, *, project=None, stage=None) -> [dict]
    selectors.work_detail(actor, work_id) -> dict (files with hashes, precheck_report, assignments, reviews)
    selectors.all_scores(actor) -> [dict] ; selectors.score_history(actor, *, work_id=None, reviewer=None)
    selectors.progress(actor) -> {"reviewers": [...], "projects": [...]}
    ranking.rank_works(actor) -> DataFrame ; ranking.ranking_records(actor) -> [dict]  (rank --json)
    ranking.preview_ranking(actor, method) -> DataFrame  (as rank_works, another aggregation; not saved)
    export.export_workbook(actor, path) -> path   (公示名单, 未排名作品, 全部评分, one per reviewer, 初审未通过)
    simulate.simulate_scores(actor, *, seed=0) -> int
    blind_copy.check_identity(actor, work_id) -> [zh]  ; blind_copy.known_identity_risks(actor, ids)

Reviewer (role 'reviewer'):
    selectors.reviewer_queue(actor) -> [blind dict + review_status ('todo'|'draft'|'submitted'), total, veto,
        returned_reason (the admin's reason while a reopened review is not resubmitted, else None)]
    selectors.blind_work(actor, work_id) -> {id, project, project_name, subtype, stage, title, files,
        rubric, review}  — never authors, school, district, registration forms or the level-1 folder
    blind_files.blind_file(actor, work_id, blind_name_or_id) -> {name, kind, mime, size, path, member}
        absolute stored path (or archive path + member); admins may also pass a stored path
    blind_files.blind_findings(actor, work_id) -> [{rule, level, message, path}]  初审 findings, blinded
    blind_files.blind_redactor(actor, work_id) -> fn(text) masking author/school/folder names
    blind_copy.viewer_file(actor, work_id, blind_name) -> {path, kind, name, downloadable, text, risks,
        withheld, blinded}  the file as the actor may see it (reviewers: a blinded copy)
    file_links.issue(actor, work_id, blind_name, path, mime, browser_secret=...) -> token ;
        file_links.resolve(token, browser_secret) -> Link  (PermissionDenied once it may not be served)
        (these three: admin, or the assigned reviewer without 回避 conflict; else PermissionDenied)
    selectors.get_review(actor, work_id) -> dict | None
    reviews.save_review(actor, work_id, scores={criterion: points}, *, comment=None, internal_note=None,
        veto=None, veto_reason=None, submit=False) -> dict
    reviews.submit_review(actor, work_id) -> dict

Rubrics: rubrics.load_rubric(project) -> Rubric (criteria, veto, max_total, total(scores), to_dict()).
Definitions of mean / median / trimmed mean / z-score normalisation / ties / tiers: scoring/ranking.py.
Command line: python -m scoring --db FILE {import,reviewers,assign,simulate-scores,rank,scores,export}.
"""
