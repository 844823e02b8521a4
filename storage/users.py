"""Users and their API tokens. A token is 32 random bytes shown once; only its SHA-256 is stored (a
high-entropy token needs no slow hash: there is nothing to guess)."""

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storage.database import session_scope
from storage.models import User

ROLES = ("bureau", "intermediary")
TOKEN_PREFIX = "hnte_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def add_user(name: str, role: str, url: str | None = None) -> str:
    """Create a user; returns its token (the only time it is seen). ValueError for a taken name."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    name = name.strip()
    if not name or len(name) > 100:
        raise ValueError("the name must be 1–100 characters")
    token = new_token()
    try:
        with session_scope(url) as session:
            session.add(User(name=name, role=role, token_hash=hash_token(token)))
    except IntegrityError:
        raise ValueError(f"a user named {name!r} exists already") from None
    return token


def user_for_token(token: str | None, url: str | None = None) -> User | None:
    """The user a token belongs to, or None."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    with session_scope(url) as session:
        user = session.scalar(select(User).where(User.token_hash == digest))
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
