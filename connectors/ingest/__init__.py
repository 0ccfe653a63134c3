"""The one path by which activity reaches the database.

Every connector and importer parses its source into a ``records.Batch`` and calls
``ingest_batch``, or, for a whole file, ``ingest_batches`` with a stream of them (one
transaction, the next batch prepared in a thread meanwhile; see there). The batch is stored
whole or not at all, with set-based statements only:

1. Records are checked (network, kind, ids, aware datetimes, counts); bad ones are
   rejected with a reason and the rest go on.
2. Inside one transaction, records that involve a tombstoned (opted-out) identity are
   dropped, wherever that identity appears: as an identity record, the author of a post,
   or either end of an interaction.
3. Still in that transaction, the records are loaded into temporary tables (PostgreSQL:
   COPY, as one text buffer where the rows allow; SQLite: executemany) and moved into the
   real tables with ``INSERT ... SELECT ... ON CONFLICT``: identities (including bare ones
   known only by id) are upserted, which also yields the id of every identity the batch
   names; then posts (joined to their author); then interactions, which carry their actor
   and target ids from that map and are joined only to their post, when known.
   Re-ingesting the same data therefore adds no rows, and counts move to the values most
   recently ingested.

Every record has its provenance (``records.Provenance``): fetched from a network's API,
imported by the operator, or uploaded by a member. A row is changed only by a source at least
as trusted as the one that wrote it (``records.Origin``); the same interaction or post fetched
from the API replaces a self-reported one, and the API's fetch of a post removes the
self-reported reactions to it. An upload describes only its uploader's own identities: the
profiles of others are left out (they enter as bare ids), and posts and interactions that
concern none of the uploader's identities are left out, counted as ``not_own``.

Upserts only reach rows that are new or would change: unchanged rows are filtered out
before the INSERT, because ``ON CONFLICT DO UPDATE`` locks (and so writes) every row it
meets even when its ``WHERE`` then declines the update, and most rows of a batch are
identities already stored. The rows returned are thus exactly the identities and posts
that changed; their ids, plus the actors and targets of new interactions, are what scoring
recomputes.

The SQL is assembled from this module's own table and column names (hence the S608
waivers); every value travels as a bound parameter or through COPY.
"""

from connectors.ingest.pipeline import ingest_batch, ingest_batches
from connectors.ingest.results import Counts, IngestResult, Rejection

__all__ = ["Counts", "IngestResult", "Rejection", "ingest_batch", "ingest_batches"]
