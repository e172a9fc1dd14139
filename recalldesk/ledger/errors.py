"""The ledger's domain errors: what a person did that the ledger cannot do, in words."""


class LedgerError(Exception):
    """A ledger action that cannot be done as asked; the message says what to do instead."""
