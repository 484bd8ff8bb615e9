"""The search index: one row per visible post with its search terms and normalised
text (`square.search`). PostgreSQL keeps the terms as a `text[]` under a GIN index;
SQLite keeps them as space-separated text mirrored into an FTS5 table by triggers
(both made by migration 0008). `terms__all=[…]` finds the rows holding every term."""

from django.db import models

from square.models.post import Post
from square.models.user import User

FTS_TABLE = "square_postsearch_fts"


class TermsField(models.Field):
    """A list of terms: `text[]` on PostgreSQL, space-separated text elsewhere (no term
    contains a space: terms are letters and digits)."""

    description = "search terms"

    def db_type(self, connection):
        return "text[]" if connection.vendor == "postgresql" else "text"

    def from_db_value(self, value, expression, connection):
        if value is None or isinstance(value, list):
            return value
        return value.split(" ") if value else []

    def to_python(self, value):
        if isinstance(value, str):
            return value.split(" ") if value else []
        return value

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        terms = sorted(value)
        return terms if connection.vendor == "postgresql" else " ".join(terms)


@TermsField.register_lookup
class HoldsAll(models.Lookup):
    """Rows whose terms include every given term: PostgreSQL `@>` (the GIN index);
    SQLite the FTS5 table's MATCH, each term quoted."""

    lookup_name = "all"
    prepare_rhs = False

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} @> %s::text[]", (*lhs_params, sorted(self.rhs))

    def as_sql(self, compiler, connection):
        quote = connection.ops.quote_name
        pk = f"{quote(self.lhs.alias)}.{quote('post_id')}"
        match = " ".join(f'"{term}"' for term in sorted(self.rhs))
        return f"{pk} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)", (match,)


class PostSearch(models.Model):
    """A visible post as search sees it; written in the post's own transaction
    (`square.services.search`), so search never shows what the feeds no longer do."""

    post = models.OneToOneField(
        Post, on_delete=models.CASCADE, primary_key=True, related_name="search"
    )
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", db_index=False)
    created_at = models.DateTimeField()  # the post's: newest first without a join
    terms = TermsField()
    norm = models.TextField()

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["-created_at", "-post"], name="postsearch_newest_idx")]

    def __str__(self) -> str:
        return f"search:{self.post_id}"
