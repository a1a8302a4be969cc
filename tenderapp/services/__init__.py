"""Use cases: one function each, (session, actor, input, now) -> result. They load through
``access``, apply ``domain`` rules, write rows and an audit event, and commit once."""


def end_read_transaction(session) -> None:
    """Ends a transaction that has written nothing yet, so that no lock is held during slow
    work that needs no database (an argon2 password check takes a deliberate ~100 ms, and on
    SQLite a writing request holds the database's write lock from its first query)."""
    if not (session.new or session.dirty or session.deleted):
        session.commit()
