from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanTextMixin
from notifications.items import kinds_for
from notifications.models import Kind, NotificationPreference


class PreferenceForm(CleanTextMixin, forms.ModelForm):
    """A user's reminders: the digest on or off, the kinds it carries, the language of mails."""

    kinds = forms.MultipleChoiceField(
        label=_("What the digest tells me about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = NotificationPreference
        fields = ["digest_enabled", "language"]
        widgets = {"language": forms.Select(attrs={"class": "form-select"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role_kinds = kinds_for(self.instance.user)
        self.fields["kinds"].choices = [(k, Kind(k).label) for k in self.role_kinds]
        self.fields["kinds"].initial = [k for k in self.role_kinds if self.instance.wants(k)]
        self.fields["digest_enabled"].widget.attrs["class"] = "form-check-input"
        if not self.role_kinds:
            del self.fields["kinds"]

    def save(self, commit=True):
        chosen = set(self.cleaned_data.get("kinds") or [])
        others = [k for k in self.instance.muted_kinds if k not in self.role_kinds]
        self.instance.muted_kinds = others + [k for k in self.role_kinds if k not in chosen]
        return super().save(commit=commit)
