"""Use cases: one function each, (session, actor, input, now) -> result. They load through
``access``, apply ``domain`` rules, write rows and an audit event, and commit once."""

from sqlalchemy import func, or_


def same_text(column, value: str):
    """A condition: ``column`` holds ``value`` in any letter case. SQLite's lower() changes only
    A to Z, so the exact value is matched too: a check that missed "École" against "École" left
    the unique constraint to refuse it, as a server error."""
    return or_(column == value, func.lower(column) == value.lower())


def end_read_transaction(session) -> None:
    """Ends a transaction that has written nothing yet, so that no lock is held during slow
    work that needs no database (an argon2 password check takes a deliberate ~100 ms, and on
    SQLite a writing request holds the database's write lock from its first query)."""
    if not (session.new or session.dirty or session.deleted):
        session.commit()
