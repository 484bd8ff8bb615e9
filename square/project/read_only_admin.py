"""The admin's read-only pages: rows staff browse but never add, change or delete there.

The services own every write (counters, audit logs and notifications follow them), so
the records they leave behind — likes, follows, integrity records, awards, frozen lists,
the audit log — are shown by admins built on this base, in both apps.
"""

from django.contrib import admin


class ReadOnlyMixin:
    """For a ModelAdmin or an inline: no add, change or delete permission."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """A ModelAdmin whose rows are read, never written, from the admin."""
