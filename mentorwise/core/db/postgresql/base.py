"""Django's PostgreSQL backend, made safe for server-side parameters.

With server-side binding (`OPTIONS["server_side_binding"]`, which `settings` turns on) psycopg
sends a query's values apart from its text, and with `prepare_threshold` a query sent often is
planned once per connection instead of on every request. The text of a query then no longer
carries its values, and one statement may take at most 65,535 of them. Two things in Django
do not expect that limit, and this backend removes them:

- a filter on a long list of values (`id__in=[...]` with 70,000 people invited) is sent as one
  array (`compiler.ListAsArrayMixin`);
- bulk writes (`bulk_update`, `bulk_create`, the deletions' collector) are cut into batches
  that stay under the limit (`DatabaseOperations.bulk_batch_size`).

Everything else is Django's backend unchanged (`connection.vendor` is still "postgresql").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.backends.postgresql import base, operations

# PostgreSQL's wire protocol counts a statement's parameters in 16 bits.
MAX_QUERY_PARAMS = 65_535


class DatabaseOperations(operations.DatabaseOperations):
    compiler_module = "mentorwise.core.db.postgresql.compiler"

    def bulk_batch_size(self, fields: Sequence[Any], objs: Sequence[Any]) -> int:
        """Objects per statement of a bulk write: all of them when values are written into
        the query's text; with server-side parameters, as many as keep the statement under
        the limit. `bulk_update` passes ["pk", "pk", *fields] but sends two values per field
        and object (a CASE's WHEN and THEN) and one more for the object's id, hence the
        factor of two."""
        if not self.connection.features.uses_server_side_binding:
            return super().bulk_batch_size(fields, objs)
        per_object = max(1, 2 * len(fields))
        return max(1, min(len(objs), MAX_QUERY_PARAMS // per_object))


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
