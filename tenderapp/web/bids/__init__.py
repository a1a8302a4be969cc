"""The bid pages: a supplier's own bid (routes), and the lead's bid box (opening)."""


def reraising(action, caught: type[Exception], instead):
    """``action``, raising ``instead(error)`` in place of a ``caught`` error it raises, for a
    form flow that must treat that error otherwise."""

    def run():
        try:
            return action()
        except caught as error:
            raise instead(error) from None

    return run
