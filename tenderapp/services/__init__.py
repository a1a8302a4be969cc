"""Use cases: one function each, (session, actor, input, now) -> result. They load through
``access``, apply ``domain`` rules, write rows and an audit event, and commit once."""
