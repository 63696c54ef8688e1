"""Sift's state object: the organisation's records and the three services the API calls.

``SiftState`` is :class:`~mockserver.domain.sift.records.SiftRecords` (load/export and the shared
lookups) plus ``sync`` (``ExternalSyncService``, docs/vendor-facts.md B2, B5, B6), ``user_groups``
(``UserGroupService``, B3) and ``people`` (``UserService`` and ``RoleService``, B4). The services
operate on the records, so they import ``records.py`` and only this module imports them.
"""

from __future__ import annotations

from mockserver.domain.context import VendorContext
from mockserver.domain.sift.external_sync import ExternalSync
from mockserver.domain.sift.groups import UserGroups
from mockserver.domain.sift.people import People
from mockserver.domain.sift.records import SiftRecords


class SiftState(SiftRecords):
    """All Sift state: the records and the services that operate on them."""

    def __init__(self, context: VendorContext) -> None:
        super().__init__(context)
        self.sync = ExternalSync(self)
        self.user_groups = UserGroups(self)
        self.people = People(self)
