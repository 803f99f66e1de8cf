"""Which account an access key belongs to, in constant time.

moto resolves the calling account of every request by scanning each account's IAM backend for
the request's access key (`moto.iam.models.get_account_id_from`): O(accounts) per request, tens
of milliseconds a call in an organization of 10,000 accounts. A key belongs to one account for
as long as it exists, so the answer is remembered and re-checked in constant time; an unknown or
deleted key is scanned for as moto does.
"""

from __future__ import annotations

import moto.iam.models as iam_models
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.utilities.utils import PARTITION_NAMES

_SCAN = iam_models.get_account_id_from
_KNOWN: dict[str, str] = {}
_MAX_KNOWN = 100_000  # tests mint a key per assumed role; forget them all now and then


def account_of(access_key: str) -> str:
    known = _KNOWN.get(access_key)
    if known is not None and _holds(known, access_key):
        return known
    found = _SCAN(access_key)
    if found != DEFAULT_ACCOUNT_ID or _holds(found, access_key):
        if len(_KNOWN) >= _MAX_KNOWN:
            _KNOWN.clear()
        _KNOWN[access_key] = found
    return found


def _holds(account: str, access_key: str) -> bool:
    # Plain dict reads: moto's own lookups create backends on the way (see state.backend).
    if not dict.__contains__(iam_models.iam_backends, account):
        return False
    per_account = dict.__getitem__(iam_models.iam_backends, account)
    return any(
        dict.__contains__(per_account, partition)
        and access_key in dict.__getitem__(per_account, partition).access_keys
        for partition in PARTITION_NAMES
    )


def install() -> None:
    """Serve moto's account lookup from here (moto imports it at each call, so this is seen)."""
    iam_models.get_account_id_from = account_of
