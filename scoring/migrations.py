"""Versioned schema. Each step runs once, in order, inside a transaction; re-running is a no-op."""
from __future__ import annotations

import duckdb

# Append new steps; never edit a released one.
STEPS: list[tuple[int, list[str]]] = [
    (1, [
        "CREATE SEQUENCE IF NOT EXISTS works_id_seq START 1",
        """CREATE TABLE IF NOT EXISTS works (
            id INTEGER PRIMARY KEY DEFAULT nextval('works_id_seq'),
            work_key VARCHAR NOT NULL UNIQUE,   -- level-1 folder + project + title, normalised
            project VARCHAR,                    -- afterschool, fusion_case, ...
            subtype VARCHAR,                    -- training_case: regional | school | studio
            stage VARCHAR,                      -- 学段, canonical (中职 -> 中等职业教育)
            school VARCHAR,
            district VARCHAR,
            title VARCHAR,
            authors VARCHAR[],
            folder_name VARCHAR,                -- level-1 folder (学段+学校+教师姓名): never shown blind
            source_path VARCHAR,                -- folder or archive as imported
            content_hash VARCHAR,               -- sha256 over the sorted file hashes
            precheck_status VARCHAR NOT NULL DEFAULT 'pending',   -- pass | fail | pending
            precheck_report VARCHAR,            -- checks Report.to_dict() as JSON
            eligibility VARCHAR NOT NULL DEFAULT '[]',  -- JSON list of eligibility findings
            excluded BOOLEAN NOT NULL DEFAULT FALSE,    -- not ranked (eligibility, admin decision)
            text_sketch VARCHAR,                -- JSON bottom-k shingle sketch of the document text
            imported_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        )""",
        """CREATE TABLE IF NOT EXISTS work_files (
            work_id INTEGER NOT NULL,
            path VARCHAR NOT NULL,              -- relative to the package root (level-1 folder first)
            kind VARCHAR,                       -- content kind from checks.sniff
            size BIGINT,
            sha256 VARCHAR,
            item VARCHAR,                       -- required item key, e.g. registration_form
            PRIMARY KEY (work_id, path)
        )""",
        """CREATE TABLE IF NOT EXISTS reviewers (
            username VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            school VARCHAR NOT NULL DEFAULT '',
            district VARCHAR NOT NULL DEFAULT '',
            projects VARCHAR[] NOT NULL,
            stages VARCHAR[] NOT NULL,
            cap INTEGER NOT NULL DEFAULT 30,
            active BOOLEAN NOT NULL DEFAULT TRUE
        )""",
        """CREATE TABLE IF NOT EXISTS assignments (
            work_id INTEGER NOT NULL,
            reviewer VARCHAR NOT NULL,
            manual BOOLEAN NOT NULL DEFAULT FALSE,
            assigned_by VARCHAR,
            assigned_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            PRIMARY KEY (work_id, reviewer)
        )""",
        """CREATE TABLE IF NOT EXISTS reviews (
            work_id INTEGER NOT NULL,
            reviewer VARCHAR NOT NULL,
            scores VARCHAR NOT NULL DEFAULT '{}',   -- JSON {criterion_key: points}
            total DOUBLE,                            -- Σ points × weight over the rubric
            veto BOOLEAN NOT NULL DEFAULT FALSE,     -- 一票否决 (政治性 / 科学性错误)
            veto_reason VARCHAR,
            comment VARCHAR,                         -- to the teacher
            internal_note VARCHAR,                   -- judges and admins only
            status VARCHAR NOT NULL DEFAULT 'draft', -- draft | submitted
            created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            submitted_at TIMESTAMP,
            PRIMARY KEY (work_id, reviewer)
        )""",
        "CREATE SEQUENCE IF NOT EXISTS score_history_id_seq START 1",
        """CREATE TABLE IF NOT EXISTS score_history (   -- append-only: never updated or deleted
            id BIGINT PRIMARY KEY DEFAULT nextval('score_history_id_seq'),
            changed_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            actor VARCHAR NOT NULL,
            work_id INTEGER NOT NULL,
            reviewer VARCHAR NOT NULL,
            field VARCHAR NOT NULL,      -- criterion key, or veto / status / comment / internal_note
            old VARCHAR,
            new VARCHAR,
            note VARCHAR                 -- e.g. the admin's reason for reopening
        )""",
        """CREATE TABLE IF NOT EXISTS settings (
            key VARCHAR PRIMARY KEY,
            value VARCHAR NOT NULL       -- JSON
        )""",
    ]),
    (2, [
        # Per-work aggregate of the counted scores (scoring/aggregates.py), kept by the writer.
        """CREATE TABLE IF NOT EXISTS work_agg (
            work_id INTEGER PRIMARY KEY,
            n_assigned INTEGER NOT NULL,        -- assigned reviewers
            totals DOUBLE[] NOT NULL,           -- submitted totals of assigned reviewers, ascending
            vetoed BOOLEAN NOT NULL             -- one of those reviews vetoed the work
        )""",
        "DELETE FROM work_agg",                 # backfill from the base tables of an existing file
        """INSERT INTO work_agg (work_id, n_assigned, totals, vetoed)
        SELECT a.work_id, count(*)::INTEGER,
               coalesce(list(v.total ORDER BY v.total) FILTER (WHERE v.status = 'submitted'), []::DOUBLE[]),
               coalesce(bool_or(v.veto) FILTER (WHERE v.status = 'submitted'), FALSE)
        FROM assignments a
        LEFT JOIN reviews v ON v.work_id = a.work_id AND v.reviewer = a.reviewer
        GROUP BY a.work_id""",
    ]),
    (3, [
        # Reviewer and project statistics for the z-score ranking, and per work the counted pairs
        # (reviewer, total) with each review's z-score (scoring/aggregates.py). Sums are exact
        # integers in hundredths of a point.
        """CREATE TABLE IF NOT EXISTS reviewer_stats (
            reviewer VARCHAR NOT NULL,
            project VARCHAR NOT NULL,
            n INTEGER NOT NULL,                 -- counted scores of this reviewer in this project type
            s HUGEINT NOT NULL,                 -- Σ total × 100
            q HUGEINT NOT NULL,                 -- Σ (total × 100)²
            mean DOUBLE NOT NULL,               -- s / (100 n)
            sd DOUBLE NOT NULL,                 -- population std: √(n q − s²) / (100 n)
            PRIMARY KEY (reviewer, project)
        )""",
        """CREATE TABLE IF NOT EXISTS project_stats (
            project VARCHAR PRIMARY KEY,
            n INTEGER NOT NULL,
            s HUGEINT NOT NULL,
            q HUGEINT NOT NULL,
            mean DOUBLE NOT NULL,
            sd DOUBLE NOT NULL
        )""",
        "DROP TABLE IF EXISTS work_agg",
        """CREATE TABLE work_agg (
            work_id INTEGER PRIMARY KEY,
            n_assigned INTEGER NOT NULL,        -- assigned reviewers
            totals DOUBLE[] NOT NULL,           -- counted totals, ascending (ties by reviewer)
            reviewers VARCHAR[] NOT NULL,       -- their reviewers, same order
            z DOUBLE[] NOT NULL,                -- their z-scores within reviewer × project, same order
            vetoed BOOLEAN NOT NULL             -- one of those reviews vetoed the work
        )""",
        # Backfill from the base tables of an existing file (same SQL as aggregates.rebuild).
        "DELETE FROM reviewer_stats",
        """INSERT INTO reviewer_stats
        SELECT reviewer, project, n, s, q, s::DOUBLE / (100 * n)::DOUBLE, sqrt((n * q - s * s)::DOUBLE) / (100 * n)::DOUBLE
        FROM (SELECT v.reviewer, w.project, count(*)::INTEGER AS n,
                     sum(round(v.total * 100)::BIGINT)::HUGEINT AS s,
                     sum(round(v.total * 100)::HUGEINT * round(v.total * 100)::BIGINT)::HUGEINT AS q,
                     bool_and(abs(v.total * 100 - round(v.total * 100)) < 1e-6) AS on_grid
              FROM reviews v
              JOIN assignments a ON a.work_id = v.work_id AND a.reviewer = v.reviewer
              JOIN works w ON w.id = v.work_id
              WHERE v.status = 'submitted' AND w.project IS NOT NULL
              GROUP BY ALL)
        WHERE CASE WHEN on_grid THEN TRUE
                   ELSE error('a counted total is not a multiple of 0.01: aggregate sums need hundredths') END""",
        "DELETE FROM project_stats",
        """INSERT INTO project_stats
        SELECT project, n, s, q, s::DOUBLE / (100 * n)::DOUBLE, sqrt((n * q - s * s)::DOUBLE) / (100 * n)::DOUBLE
        FROM (SELECT w.project, count(*)::INTEGER AS n,
                     sum(round(v.total * 100)::BIGINT)::HUGEINT AS s,
                     sum(round(v.total * 100)::HUGEINT * round(v.total * 100)::BIGINT)::HUGEINT AS q
              FROM reviews v
              JOIN assignments a ON a.work_id = v.work_id AND a.reviewer = v.reviewer
              JOIN works w ON w.id = v.work_id
              WHERE v.status = 'submitted' AND w.project IS NOT NULL
              GROUP BY ALL)""",
        """INSERT INTO work_agg (work_id, n_assigned, totals, reviewers, z, vetoed)
        SELECT a.work_id, count(*)::INTEGER,
               coalesce(list(v.total ORDER BY v.total, v.reviewer) FILTER (WHERE v.status = 'submitted'), []::DOUBLE[]),
               coalesce(list(v.reviewer ORDER BY v.total, v.reviewer) FILTER (WHERE v.status = 'submitted'), []::VARCHAR[]),
               coalesce(list(CASE WHEN s.sd > 0 THEN (v.total - s.mean) / s.sd WHEN s.sd = 0 THEN 0.0 END
                             ORDER BY v.total, v.reviewer) FILTER (WHERE v.status = 'submitted'), []::DOUBLE[]),
               coalesce(bool_or(v.veto) FILTER (WHERE v.status = 'submitted'), FALSE)
        FROM assignments a
        LEFT JOIN works w ON w.id = a.work_id
        LEFT JOIN reviews v ON v.work_id = a.work_id AND v.reviewer = a.reviewer
        LEFT JOIN reviewer_stats s ON s.reviewer = a.reviewer AND s.project = w.project
        GROUP BY a.work_id""",
    ]),
    # 10 (not 3): a high, distinct number so parallel branches adding steps cannot collide.
    (10, [
        "CREATE SEQUENCE IF NOT EXISTS audit_log_id_seq START 1",
        """CREATE TABLE IF NOT EXISTS audit_log (      -- append-only (scoring/audit.py)
            id BIGINT PRIMARY KEY DEFAULT nextval('audit_log_id_seq'),
            occurred_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            actor VARCHAR NOT NULL,       -- username, or the typed name of a failed login
            action VARCHAR NOT NULL,      -- e.g. login.failure, work.exclude, review.reopen
            target VARCHAR,               -- what it acted on: 'work:12', 'account:zhang', 'pair:3,7'
            work_id INTEGER,              -- set when the target is (or concerns) one work
            before VARCHAR,               -- JSON
            after VARCHAR,                -- JSON
            address VARCHAR               -- client address where known (logins)
        )""",
        """CREATE TABLE IF NOT EXISTS login_failures (   -- login throttling (scoring/logins.py)
            key VARCHAR PRIMARY KEY,      -- 'user:<name>' or 'addr:<ip>'
            failures INTEGER NOT NULL,    -- consecutive failures
            last_failure TIMESTAMP NOT NULL,
            locked_until TIMESTAMP        -- refused until then
        )""",
    ]),
]

LATEST = STEPS[-1][0]


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    con.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                "version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)")
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    return row[0] or 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the file to the latest schema; returns the version. Safe to call any number of times."""
    version = current_version(con)
    for step, statements in STEPS:
        if step <= version:
            continue
        con.begin()
        try:
            for sql in statements:
                con.execute(sql)
            con.execute("INSERT INTO schema_version (version) VALUES (?)", [step])
            con.commit()
        except Exception:
            con.rollback()
            raise
        version = step
    return version
