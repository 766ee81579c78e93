"""Who is acting. Every service function takes an Actor first and checks it here."""
from __future__ import annotations

from dataclasses import dataclass

from scoring.errors import PermissionDenied

ADMIN, REVIEWER = "admin", "reviewer"


@dataclass(frozen=True)
class Actor:
    username: str
    role: str  # 'admin' | 'reviewer'

    def __post_init__(self) -> None:
        if self.role not in (ADMIN, REVIEWER):
            raise ValueError(f"unknown role {self.role!r}")

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN


def require_admin(actor: Actor) -> None:
    if not isinstance(actor, Actor) or not actor.is_admin:
        raise PermissionDenied("只有管理员可以执行此操作。")


def require_reviewer(actor: Actor) -> None:
    if not isinstance(actor, Actor) or actor.role != REVIEWER:
        raise PermissionDenied("只有评委可以执行此操作。")


CLI_ADMIN = Actor("cli", ADMIN)
