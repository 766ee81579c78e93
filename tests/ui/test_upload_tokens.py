"""Upload tokens and their folders, without a server: the signing key kept in the data dir, a token's
lifetime to the second, discarding (tombstones) and the sweep of what closed tabs and killed servers
leave behind. The route itself is tested under uvicorn in test_upload_route.py."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time

import pytest
from streamlit import config

from ui.selfcheck import upload_limits, upload_route
from ui.selfcheck.upload_limits import BUDGET


@pytest.fixture
def data(tmp_path, monkeypatch):
    """A fresh data dir (not created yet: the first key makes it) and no cached key."""
    root = tmp_path / "data"
    monkeypatch.setenv("RATING_DATA_DIR", str(root))
    monkeypatch.setattr(upload_route, "_keys", {})
    return root


def signature(key: bytes, stem: str) -> str:
    """HMAC-SHA256 of the stem, first 16 bytes, URL-safe base64 without padding (the documented form)."""
    mac = hmac.new(key, stem.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def token_at(t: float, rand: str = "R" * 24) -> str:
    stem = f"{int(t):x}-{rand}"
    return f"{stem}-{upload_route._sign(stem)}"


def test_the_upload_area_is_under_the_data_dir(data):
    assert upload_route.base_dir() == data.resolve() / "uploads" / "selfcheck"


def test_the_per_file_cap_falls_back_to_1100_mib_when_the_option_is_unreadable():
    old = config.get_option("server.maxUploadSize")
    config.set_option("server.maxUploadSize", None)
    try:
        assert upload_route.max_file_bytes() == 1_153_433_600
    finally:
        config.set_option("server.maxUploadSize", old)


# --- the signing key ----------------------------------------------------------------------------------

def test_the_first_token_makes_a_private_32_byte_key_in_a_data_dir_that_did_not_exist(data):
    upload_route.mint()
    key_file = data / "uploads" / ".token-key"
    assert len(key_file.read_bytes()) == 32
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in key_file.parent.iterdir()) == [".token-key"]     # no temp file left


def test_a_key_is_made_when_the_uploads_folder_exists_already(data):
    (data / "uploads").mkdir(parents=True)
    upload_route.mint()
    assert len((data / "uploads" / ".token-key").read_bytes()) == 32


def test_an_existing_key_signs_tokens_the_documented_way(data):
    (data / "uploads").mkdir(parents=True)
    key = bytes(range(32))
    (data / "uploads" / ".token-key").write_bytes(key)
    token = upload_route.mint()
    stem, sig = token[:-23], token[-22:]
    assert sig == signature(key, stem)


def test_the_key_is_read_once_per_process(data):
    token = upload_route.mint()
    (data / "uploads" / ".token-key").write_bytes(b"\0" * 32)      # replaced behind the process's back
    assert upload_route.is_live(token)


def test_a_token_signed_for_one_stem_does_not_verify_another(data):
    token = upload_route.mint()
    swapped = token[:-47] + "S" * 24 + token[-23:]
    assert upload_route.is_live(token) and not upload_route.is_live(swapped)


def test_a_token_of_another_data_dir_is_refused(data, tmp_path, monkeypatch):
    token = upload_route.mint()
    monkeypatch.setenv("RATING_DATA_DIR", str(tmp_path / "other"))
    assert not upload_route.is_live(token)


# --- a token's life -----------------------------------------------------------------------------------

def test_a_token_lives_from_a_minute_before_its_time_to_two_hours_after(data):
    t0 = 1_800_000_000
    token = token_at(t0)
    folder = upload_route.base_dir() / f"up-{token}"
    assert upload_route._token_dir(token, now=t0 - 60) == folder
    assert upload_route._token_dir(token, now=t0 - 61) is None              # minted "in the future"
    assert upload_route._token_dir(token, now=t0 + 7200) == folder
    assert upload_route._token_dir(token, now=t0 + 7201) is None


@pytest.mark.parametrize("token", ["", None, "garbage", "1234567-" + "A" * 24 + "-" + "A" * 22],
                         ids=["empty", "none", "garbage", "short-time"])
def test_malformed_tokens_are_not_live(data, token):
    assert upload_route.is_live(token) is False


def test_files_root_appears_with_the_first_upload_and_can_be_made_twice(data):
    token = upload_route.mint()
    assert upload_route.files_root(token) is None
    root = upload_route.files_root(token, create=True)
    assert root == upload_route.base_dir() / f"up-{token}" / "files" and root.is_dir()
    assert upload_route.files_root(token, create=True) == root
    assert (root.parent / "partial").is_dir()
    assert upload_route.files_root("garbage", create=True) is None


def test_status_counts_finished_files_and_uploads_in_flight(data):
    token = upload_route.mint()
    assert upload_route.status(token) == {"files": 0, "bytes": 0, "active": 0}
    assert upload_route.status("garbage") == {"files": 0, "bytes": 0, "active": 0}
    folder = upload_route.base_dir() / f"up-{token}"
    (folder / "files" / "a").mkdir(parents=True)
    (folder / "files" / "a" / "x.mp4").write_bytes(b"x" * 7)
    (folder / "files" / "y.docx").write_bytes(b"y" * 5)
    assert upload_route.status(token) == {"files": 2, "bytes": 12, "active": 0}     # no partial/ folder yet
    (folder / "partial").mkdir()
    (folder / "partial" / "0.part").write_bytes(b"z")
    assert upload_route.status(token) == {"files": 2, "bytes": 12, "active": 1}


def test_usage_on_disk_is_read_from_nested_files(data, tmp_path):
    files = tmp_path / "files"
    assert upload_route._usage(files) == (0, 0)
    (files / "a" / "b").mkdir(parents=True)
    (files / "a" / "b" / "x").write_bytes(b"x" * 3)
    (files / "y").write_bytes(b"y" * 4)
    assert upload_route._usage(files) == (7, 2)


# --- discarding ---------------------------------------------------------------------------------------

def test_discarding_kills_the_token_deletes_its_files_and_frees_its_budget(data):
    first, second = upload_route.mint(), upload_route.mint()
    root = upload_route.files_root(first, create=True)
    (root / "a.mp4").write_bytes(b"x" * 10)
    before = BUDGET.total
    BUDGET.usage(str(root.parent), lambda: (10, 1))
    assert BUDGET.total == before + 10
    upload_route.discard(first)
    upload_route.discard(second)                          # a second tombstone in the same folder
    assert not root.parent.exists() and BUDGET.total == before
    assert not upload_route.is_live(first) and not upload_route.is_live(second)
    assert sorted(p.name for p in (upload_route.base_dir() / "used").iterdir()) == sorted([first, second])


@pytest.mark.parametrize("token", [None, "", "garbage"])
def test_discarding_a_malformed_token_leaves_no_tombstone(data, token):
    upload_route.discard(token)
    assert not (upload_route.base_dir() / "used").exists()


# --- the sweep ----------------------------------------------------------------------------------------

def _folder(token: str, mtime: float | None = None):
    folder = upload_route.base_dir() / f"up-{token}"
    (folder / "files").mkdir(parents=True)
    (folder / "files" / "left.mp4").write_bytes(b"x")
    if mtime is not None:
        os.utime(folder, (mtime, mtime))
    return folder


def test_sweeping_without_an_upload_area_removes_nothing(data):
    assert upload_route.sweep() == 0


def test_the_sweep_counts_token_folders_to_the_second_by_the_time_in_the_token(data):
    now = 1_800_000_000
    after = upload_route.SWEEP_AFTER_S                    # 3 hours: lifetime plus an hour in flight
    stale = [_folder(token_at(now - after - 1, r * 24)) for r in "ab"]
    on_cutoff = _folder(token_at(now - after, "c" * 24))
    fresh = _folder(token_at(now - 60, "d" * 24), mtime=now - 10 * after)   # an old mtime does not matter
    assert upload_route.sweep(now=now) == 2
    assert [f.exists() for f in (*stale, on_cutoff, fresh)] == [False, False, True, True]


def test_the_sweep_forgets_the_budget_of_what_it_removes(data):
    now = 1_800_000_000
    folder = _folder(token_at(now - upload_route.SWEEP_AFTER_S - 1))
    before = BUDGET.total
    BUDGET.usage(str(folder), lambda: (1, 1))
    upload_route.sweep(now=now)
    assert BUDGET.total == before


def test_tombstones_go_by_the_time_in_their_token_and_are_not_counted(data):
    now = time.time()
    used = upload_route.base_dir() / "used"
    used.mkdir(parents=True)
    old = token_at(now - upload_route.SWEEP_AFTER_S - 5, "o" * 24)
    new = token_at(now - 5, "n" * 24)
    (used / old).touch()                                   # written just now, but for an old token
    (used / new).touch()
    assert upload_route.sweep() == 0
    assert sorted(p.name for p in used.iterdir()) == [new]


def test_folders_that_are_not_tokens_go_by_their_age_on_disk(data):
    now = time.time()
    old_junk = upload_route.base_dir() / "up-junk"
    old_junk.mkdir(parents=True)
    os.utime(old_junk, (now - upload_route.SWEEP_AFTER_S - 60,) * 2)
    new_junk = upload_route.base_dir() / "up-new"
    new_junk.mkdir()
    assert upload_route.sweep() == 1
    assert not old_junk.exists() and new_junk.exists()


def test_an_entry_that_cannot_be_read_is_skipped_and_the_sweep_goes_on(data):
    now = 1_800_000_000
    base = upload_route.base_dir()
    base.mkdir(parents=True)
    for n in range(6):                                      # dangling links: stat() fails
        (base / f"up-broken{n}").symlink_to(base / f"missing{n}")
    stale = [_folder(token_at(now - upload_route.SWEEP_AFTER_S - 1, f"{n:024d}")) for n in range(6)]
    assert upload_route.sweep(now=now) == 6
    assert not any(f.exists() for f in stale)


def test_minting_sweeps_now_and_then(data, monkeypatch):
    stale = _folder(token_at(time.time() - upload_route.SWEEP_AFTER_S - 60))
    monkeypatch.setattr(upload_limits, "_last_sweep", [0.0])
    upload_route.mint()
    assert not stale.exists()
