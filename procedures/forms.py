"""Forms of the procedures pages: a commune's QMS scope items."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core import clock
from core.forms import BootstrapMixin, DateInput
from procedures.models import Procedure, ScopeItem


class ScopeItemForm(BootstrapMixin, forms.ModelForm):
    """A procedure in a commune's scope with its process code, revision, issue date and state.

    The commune is set by the view; the form still checks the constraints that involve it (the
    procedure once per commune, a process code once per commune).
    """

    class Meta:
        model = ScopeItem
        fields = ["procedure", "process_code", "revision", "issued_on", "state"]
        widgets = {"issued_on": DateInput()}

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.commune = commune
        if self.instance.pk:
            del self.fields["procedure"]
        else:
            # Vietnamese order, field first then name (the stored sort keys).
            procedures = (
                Procedure.objects.active()
                .exclude(scope_items__commune=commune)
                .select_related("field")
                .order_by("field__sort_key", "sort_key", "pk")
            )
            field = self.fields["procedure"]
            field.queryset = procedures
            field.label_from_instance = lambda p: f"{p.field.name} – {p}"
        self.fields["revision"].help_text = _("0 for the first issue.")

    def clean_issued_on(self):
        value = self.cleaned_data.get("issued_on")
        if value and value > clock.today():
            raise forms.ValidationError(_("A process cannot be issued on a day still to come."))
        return value

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        exclude.discard("commune")
        return exclude
