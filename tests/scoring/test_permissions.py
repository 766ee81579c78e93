"""Who may do what, at the domain layer: each refusal carries its own Chinese message, because the
pages show it as is (a reviewer who lands on an admin action reads why, not a traceback)."""
from __future__ import annotations

import pytest

from scoring import reviewers, reviews
from scoring.errors import PermissionDenied
from scoring.permissions import Actor, require_admin, require_reviewer


def test_an_unknown_role_is_refused_by_name():
    with pytest.raises(ValueError, match="^unknown role 'guest'$"):
        Actor("x", "guest")


@pytest.mark.parametrize("who", [Actor("r", "reviewer"), None, "admin", {"role": "admin"}],
                         ids=["reviewer", "none", "string", "dict"])
def test_only_an_admin_actor_passes_the_admin_gate(who):
    with pytest.raises(PermissionDenied) as e:
        require_admin(who)
    assert str(e.value) == "只有管理员可以执行此操作。"


@pytest.mark.parametrize("who", [Actor("a", "admin"), None, "reviewer"], ids=["admin", "none", "string"])
def test_only_a_reviewer_actor_passes_the_reviewer_gate(who):
    with pytest.raises(PermissionDenied) as e:
        require_reviewer(who)
    assert str(e.value) == "只有评委可以执行此操作。"


def test_the_gates_let_their_own_role_through():
    assert require_admin(Actor("a", "admin")) is None
    assert require_reviewer(Actor("r", "reviewer")) is None


def test_services_refuse_the_wrong_role_with_the_gate_message(store):
    with pytest.raises(PermissionDenied, match="^只有管理员可以执行此操作。$"):
        reviewers.upsert_reviewers(Actor("r", "reviewer"), [])
    with pytest.raises(PermissionDenied, match="^只有评委可以执行此操作。$"):
        reviews.save_review(Actor("a", "admin"), 1, {}, comment="")
