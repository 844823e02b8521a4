"""Users, their API tokens and their browser sessions.

A token is 32 random bytes shown once; only its SHA-256 is stored (a high-entropy token needs no slow
hash: there is nothing to guess). A browser that signs in with a token gets a session of its own: another
random id in an HttpOnly cookie, stored hashed, expiring after HNTE_SESSION_HOURS (default 12), ended by
signing out. Revoking a user (`hnte users revoke`) stops its token and every session at once; rotating
(`hnte users rotate`) replaces the token (shown once), ends the sessions and re-enables a revoked user.
"""

import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.database import session_scope
from storage.models import Pool, User, WebSession

ROLES = ("bureau", "intermediary")
TOKEN_PREFIX = "hnte_"
SESSION_PREFIX = "hntesid_"  # never a prefix of an API token (hnte_…), nor the other way round
MAX_TOKEN_LENGTH = 200


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def add_user(name: str, role: str, url: str | None = None) -> str:
    """Create a user; returns its token (the only time it is seen). ValueError for a taken name."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    name = name.strip()
    if not name or len(name) > 100:
        raise ValueError("the name must be 1–100 characters")
    if "\x00" in name:
        raise ValueError("the name may not contain a NUL character")
    token = new_token()
    try:
        with session_scope(url) as session:
            session.add(User(name=name, role=role, token_hash=hash_token(token)))
    except IntegrityError:
        raise ValueError(f"a user named {name!r} exists already") from None
    return token


def _well_formed(token: str | None, prefix: str) -> bool:
    return bool(token) and token.startswith(prefix) and len(token) <= MAX_TOKEN_LENGTH  # type: ignore[union-attr]


def user_for_token(token: str | None, url: str | None = None) -> User | None:
    """The user an API token belongs to, or None (unknown token, or a revoked user)."""
    if not _well_formed(token, TOKEN_PREFIX):
        return None
    digest = hash_token(token)  # type: ignore[arg-type]
    with session_scope(url) as session:
        user = session.scalar(select(User).where(User.token_hash == digest, User.revoked_at.is_(None)))
        # the lookup is by hash; the compare is constant-time all the same
        if user is None or not hmac.compare_digest(user.token_hash, digest):
            return None
        session.expunge(user)
        return user


def user_named(name: str, url: str | None = None) -> User:
    with session_scope(url) as session:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            raise LookupError(name)
        session.expunge(user)
        return user


# --- browser sessions ------------------------------------------------------------------------------


def session_hours() -> float:
    """How long a browser session lasts: HNTE_SESSION_HOURS (default 12)."""
    try:
        hours = float(os.environ.get("HNTE_SESSION_HOURS", "12"))
    except ValueError:
        hours = 12.0
    return hours if 0 < hours <= 24 * 30 else 12.0


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def start_session(user: User, url: str | None = None) -> tuple[str, dt.datetime]:
    """A new session for `user`: (the cookie's value, shown only to the browser; when it expires)."""
    session_id = SESSION_PREFIX + secrets.token_urlsafe(32)
    expires = _now() + dt.timedelta(hours=session_hours())
    with session_scope(url) as session:
        session.add(WebSession(id_hash=hash_token(session_id), user_id=user.id, expires_at=expires))
        # a sign-in is a good moment to forget sessions long gone
        session.execute(WebSession.__table__.delete().where(WebSession.expires_at < _now() - dt.timedelta(days=7)))
    return session_id, expires


def user_for_session(session_id: str | None, url: str | None = None) -> User | None:
    """The user of a live session (not expired, not ended, user not revoked), or None."""
    if not _well_formed(session_id, SESSION_PREFIX):
        return None
    digest = hash_token(session_id)  # type: ignore[arg-type]
    with session_scope(url) as session:
        found = session.execute(
            select(User, WebSession.id_hash)
            .join(WebSession, WebSession.user_id == User.id)
            .where(
                WebSession.id_hash == digest,
                WebSession.revoked_at.is_(None),
                WebSession.expires_at > _now(),
                User.revoked_at.is_(None),
            )
        ).first()
        if found is None or not hmac.compare_digest(found[1], digest):
            return None
        session.expunge(found[0])
        return found[0]


def end_session(session_id: str | None, url: str | None = None) -> None:
    """Sign-out: the session stops working at once, whoever holds a copy of the cookie."""
    if not _well_formed(session_id, SESSION_PREFIX):
        return
    with session_scope(url) as session:
        session.execute(
            update(WebSession)
            .where(WebSession.id_hash == hash_token(session_id), WebSession.revoked_at.is_(None))  # type: ignore[arg-type]
            .values(revoked_at=_now())
        )


# --- administration (hnte users list | revoke | rotate) ---------------------------------------------


@dataclass
class UserListing:
    name: str
    role: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    pools: int
    live_sessions: int


def list_users(url: str | None = None) -> list[UserListing]:
    with session_scope(url) as session:
        pools = select(Pool.owner_id, func.count(Pool.id).label("n")).group_by(Pool.owner_id).subquery()
        sessions = (
            select(WebSession.user_id, func.count().label("n"))
            .where(WebSession.revoked_at.is_(None), WebSession.expires_at > _now())
            .group_by(WebSession.user_id)
            .subquery()
        )
        rows = session.execute(
            select(User, func.coalesce(pools.c.n, 0), func.coalesce(sessions.c.n, 0))
            .outerjoin(pools, pools.c.owner_id == User.id)
            .outerjoin(sessions, sessions.c.user_id == User.id)
            .order_by(User.name)
        ).all()
        return [UserListing(u.name, u.role, u.created_at, u.revoked_at, pools_, live) for u, pools_, live in rows]


def _end_sessions_of(session: Session, user_id: int) -> None:
    session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
        .values(revoked_at=_now())
    )


def revoke_user(name: str, url: str | None = None) -> None:
    """The user's token and sessions stop working (its pools stay). LookupError for an unknown name."""
    with session_scope(url) as session:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            raise LookupError(name)
        if user.revoked_at is None:
            user.revoked_at = _now()
        _end_sessions_of(session, user.id)


def rotate_token(name: str, url: str | None = None) -> str:
    """A new token for the user (returned, shown once); the old one and every session stop working, and a
    revoked user is enabled again. LookupError for an unknown name."""
    token = new_token()
    with session_scope(url) as session:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            raise LookupError(name)
        user.token_hash = hash_token(token)
        user.revoked_at = None
        _end_sessions_of(session, user.id)
    return token
