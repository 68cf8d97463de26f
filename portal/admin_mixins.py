"""Admin pieces shared by the apps."""


class ReadOnlyAdminMixin:
    """For records that only services may write (cases, routing decisions,
    returns, notifications, supervision records): the admin shows them and
    never adds, changes or deletes them, so every change stays checked and
    recorded."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
