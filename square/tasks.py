"""Background work of the square (Django's tasks framework, `django.tasks`).

Only derived and maintenance work runs here; what must be exact when a request ends —
a post and its images, thumbnails, near-duplicate flags and counters — is written by
the services inside the request's transaction. Each task takes ids (arguments travel
as JSON to the worker) and calls the same service as the management command:

- `counters_rebuild()`: recount every counter (`manage.py rebuild_counters`);
- `duplicate_index_rebuild()`: rebuild the near-duplicate index
  (`manage.py rebuild_duplicate_index`);
- `thumbnails_rebuild(post_id)`: make a post's image thumbnails anew.

Enqueue after the commit, so the worker sees the rows:
`transaction.on_commit(lambda: thumbnails_rebuild.enqueue(post.pk))`. Which backend runs
them is the TASKS_BACKEND setting (docs/deploy.md).

Notifications stay inline: each event writes one row per recipient (at most the 50
people a post mentions) in the same transaction as the event, so an undone like takes
its notice back in one step; there is no fan-out to followers, e-mail or push to move.
"""

from django.tasks import task

from square.models import Post
from square.services import counters, duplicates
from square.services.posts import post_thumbnails_rebuild


@task
def counters_rebuild() -> dict[str, int]:
    """How many rows of each counter were wrong (and are now right)."""
    return counters.counters_rebuild()


@task
def duplicate_index_rebuild() -> dict[str, int]:
    """{"posts": indexed, "keys": band keys written}."""
    return duplicates.duplicate_index_rebuild()


@task
def thumbnails_rebuild(post_id: int) -> int:
    """How many thumbnails were made (0 if the post is gone)."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        return 0
    return post_thumbnails_rebuild(post=post)
