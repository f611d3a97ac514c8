"""The admin's share of the one scope rule: every ModelAdmin lists, opens and offers (in its
choice lists) only the rows its user may see, as the pages do (``visible_to``: with
``QMS_PROVINCE`` set, the territory). A superuser sees everything. Nothing is registered here."""

from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.http import Http404


def scoped(queryset, user, via: tuple[str, ...] = ()):
    """``queryset`` cut to what ``user`` may see: by the model's own ``visible_to``, else by
    the paths ``via`` to models that have one (each must be visible)."""
    if via:
        for path in via:
            related = queryset.model._meta.get_field(path).related_model
            queryset = queryset.filter(
                **{f"{path}__in": related._default_manager.all().visible_to(user)}
            )
        return queryset
    if not hasattr(queryset, "visible_to"):
        raise ImproperlyConfigured(
            f"{queryset.model.__name__} has no visible_to: its admin declares scope_via or "
            "shared_reference_data"
        )
    return queryset.visible_to(user)


class ScopedAdminMixin:
    """Put first in each ModelAdmin's bases. A model whose QuerySet has no ``visible_to`` names
    the fields leading to models that have one (``scope_via``), or says it is reference data
    shared by every unit (``shared_reference_data``: a catalogue, a roadmap template)."""

    scope_via: tuple[str, ...] = ()
    shared_reference_data = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser or self.shared_reference_data:
            return queryset
        return scoped(queryset, request.user, self.scope_via)

    def get_list_filter(self, request):
        """A filter by a related object offers only those of the rows the user sees."""
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [self._related_only(item) for item in filters]

    def _related_only(self, item):
        if not isinstance(item, str):
            return item
        try:
            field = get_fields_from_path(self.model, item)[-1]
        except FieldDoesNotExist:
            return item
        return (item, RelatedOnlyFieldListFilter) if field.is_relation else item

    def _scoped_choices(self, db_field, request, kwargs):
        related = db_field.related_model._default_manager.all()
        if not request.user.is_superuser and hasattr(related, "visible_to"):
            kwargs.setdefault("queryset", related.visible_to(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _require_visible(self, request, object_id) -> None:
        """404 unless the row ``object_id`` is one the user sees (a superuser: any, deleted
        ones included)."""
        visible = self.get_queryset(request).filter(pk=unquote(object_id))
        if not request.user.is_superuser and not visible.exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        """The history (Django's or django-simple-history's) of a row the user sees."""
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A past version (django-simple-history) of a row the user sees, else 404."""
        self._require_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)
